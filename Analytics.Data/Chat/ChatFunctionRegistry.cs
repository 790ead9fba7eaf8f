using System.Diagnostics;
using System.Text.Json;
using Analytics.Domain;
using Analytics.Domain.Chat;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Analytics.Data.Chat;

/// <summary>The outcome of one audited call, as the planners and the HTTP answer report it.</summary>
public sealed record ChatInvocation(string Name, string Arguments, ChatToolResult? Result, string Outcome, string? Error, double Ms)
{
    public int RowCount => Result?.RowCount ?? 0;
}

/// <summary>
/// The one home of the query functions: every <see cref="IChatFunction"/> registered in DI (the dashboards feature adds
/// its "get a widget's data" function the same way: <c>services.AddSingleton&lt;IChatFunction, …&gt;()</c>). Each call is
/// run with the asking actor and written to the audit log (user, function, arguments, rows, duration, outcome).
/// </summary>
public sealed class ChatFunctionRegistry(IEnumerable<IChatFunction> functions, IDbContextFactory<AnalyticsDbContext> factory, TimeProvider clock, ILogger<ChatFunctionRegistry> logger)
{
    private readonly Dictionary<string, IChatFunction> _byName = functions.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<IChatFunction> All => _byName.Values;

    public async Task<ChatInvocation> InvokeAsync(ChatToolContext context, string name, string argumentsJson, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        ChatToolResult? result = null;
        string outcome;
        string? error = null;
        if (argumentsJson.Length > 20_000) argumentsJson = argumentsJson[..20_000];
        try
        {
            if (!_byName.TryGetValue(name, out var function))
            {
                outcome = "unknown_function";
                error = $"There is no function named '{name}'. Functions: {string.Join(", ", _byName.Keys)}.";
            }
            else
            {
                JsonElement args;
                try { args = string.IsNullOrWhiteSpace(argumentsJson) ? default : JsonDocument.Parse(argumentsJson).RootElement; }
                catch (JsonException e) { throw new ValidationException("arguments", $"Arguments are not valid JSON: {e.Message}"); }
                result = await function.InvokeAsync(context, args, ct);
                outcome = "ok";
            }
        }
        catch (ValidationException v) { outcome = "invalid"; error = v.Message; }
        catch (NotFoundException n) { outcome = "not_found"; error = n.Message; }
        catch (ForbiddenException f) { outcome = "denied"; error = f.Message; }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { outcome = "cancelled"; error = "The answer took too long and was stopped."; }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Chat function {Function} failed", name);
            outcome = "error";
            error = "The function failed; see the server log.";
        }
        var ms = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2);
        var invocation = new ChatInvocation(name, argumentsJson, result, outcome, error, ms);
        await AuditAsync(context, invocation);
        if (outcome == "cancelled") ct.ThrowIfCancellationRequested();
        return invocation;
    }

    private async Task AuditAsync(ChatToolContext context, ChatInvocation call)
    {
        // Written even when the answer was cancelled: the audit must see every call.
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        db.Set<ChatAuditEntry>().Add(new ChatAuditEntry
        {
            Id = Ids.New(), UserId = context.Actor.UserId, ConversationId = context.ConversationId, Function = call.Name[..Math.Min(call.Name.Length, 100)],
            Arguments = call.Arguments, RowCount = call.RowCount, DurationMs = call.Ms, Outcome = call.Outcome,
            Error = call.Error is { Length: > 1000 } e ? e[..1000] : call.Error, CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
