using System.Collections.Concurrent;
using System.Text.Json;
using Analytics.Domain.Chat;
using Analytics.Domain.Chat.Egress;
using Microsoft.SemanticKernel;
using AiFunctionCall = Microsoft.Extensions.AI.FunctionCallContent;

namespace Analytics.Data.Chat;

/// <summary>
/// The rules around every function the model calls in one answer, as Semantic Kernel's auto-function-invocation filter
/// (one per request, on that request's <see cref="Kernel"/>):
/// <list type="bullet">
/// <item>each call is reported to the panel (<see cref="ChatEvent.ToolCall"/>, <see cref="ChatEvent.ToolResult"/>, its chart);</item>
/// <item>arguments the typed signature cannot bind still reach the registry, whose validation names the field — and a call
/// to a function that does not exist is audited as <c>unknown_function</c> (the registry writes the audit of every call);</item>
/// <item>what the model reads of a result: the payload or the error, in <c>schema-only</c> mode only its shape (the figures
/// are written into the answer from the rows), at most 24,000 characters;</item>
/// <item>the cap on rounds: after the calls of round <see cref="ChatOptions.MaxToolRounds"/> the loop ends.</item>
/// </list>
/// Permissions are not decided here: the functions run as the asking user. Aliases and redaction are applied to all that
/// leaves by <see cref="ChatEgressGate"/>, which sees every request.
/// </summary>
public sealed class ChatKernelFilter(ChatFunctionRegistry functions, ChatToolContext tool, ChatEgressPolicy policy, int maxRounds) : IAutoFunctionInvocationFilter
{
    private const int MaxResultChars = 24_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentQueue<ChatEvent> _events = new();
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal);
    private readonly List<ChatVisualization> _withheld = [];

    /// <summary>The loop was ended by the cap on rounds.</summary>
    public bool Capped { get; private set; }

    /// <summary>schema-only: the results the model did not see, whose figures the answer carries.</summary>
    public IReadOnlyList<ChatVisualization> Withheld => _withheld;

    public bool TryTake(out ChatEvent e) => _events.TryDequeue(out e!);

    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        var ct = context.CancellationToken;
        var calls = CallsOf(context);
        var known = calls.Where(c => IsKnown(context.Kernel, c.Name)).ToList();
        var callId = context.CallContent.CallId;
        var lastKnown = known.Count == 0 || known[^1].CallId == callId;
        // Calls to functions that do not exist are answered by the kernel without a filter: audit them in the model's order.
        foreach (var call in calls.TakeWhile(c => c.CallId != callId)) await SeenAsync(call, context.Kernel, ct);

        var name = context.Function.Name;
        _handled.Add(callId);
        var arguments = ChatQueryPlugin.Json(context.Arguments ?? []);
        _events.Enqueue(new ChatEvent.ToolCall(name, arguments));
        ChatInvocation? invocation = null;
        try
        {
            await next(context);
            invocation = context.Result.GetValue<ChatInvocation>();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The typed parameters could not be bound (a list sent as a number…): the plugin never ran.
        }
        // Then the registry validates the arguments as sent, names the field and audits the call.
        invocation ??= await functions.InvokeAsync(tool, name, arguments, ct);
        context.Result = new FunctionResult(context.Function, ForModel(invocation));

        if (lastKnown)
        {
            foreach (var call in calls) await SeenAsync(call, context.Kernel, ct);
            if (context.RequestSequenceIndex + 1 >= maxRounds)
            {
                context.Terminate = true;
                Capped = true;
            }
        }
    }

    /// <summary>A call seen in the stream: one to a function that does not exist is audited and reported once.</summary>
    public async Task SeenAsync(AiFunctionCall call, Kernel kernel, CancellationToken ct)
    {
        if (IsKnown(kernel, call.Name) || !_handled.Add(call.CallId)) return;
        var arguments = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), Json);
        _events.Enqueue(new ChatEvent.ToolCall(call.Name, arguments));
        var invocation = await functions.InvokeAsync(tool, call.Name, arguments, ct);
        _events.Enqueue(new ChatEvent.ToolResult(call.Name, invocation.RowCount, invocation.Ms, invocation.Outcome));
    }

    private static bool IsKnown(Kernel kernel, string name) => kernel.Plugins.TryGetFunction(ChatQueryPlugin.PluginName, name, out _);

    /// <summary>The function calls of the model's last response, in its order.</summary>
    private static List<AiFunctionCall> CallsOf(AutoFunctionInvocationContext context)
    {
        var messages = context.Messages;
        var start = messages.Count;
        while (start > 0 && messages[start - 1].Role == Microsoft.Extensions.AI.ChatRole.Assistant) start--;
        var calls = messages.Skip(start).SelectMany(m => m.Contents.OfType<AiFunctionCall>()).ToList();
        return calls.Any(c => c.CallId == context.CallContent.CallId) ? calls : [context.CallContent];
    }

    /// <summary>Reports the outcome to the panel and returns what the model reads of it.</summary>
    private string ForModel(ChatInvocation invocation)
    {
        _events.Enqueue(new ChatEvent.ToolResult(invocation.Name, invocation.RowCount, invocation.Ms, invocation.Outcome));
        if (invocation.Result?.Visualization is { } viz) _events.Enqueue(new ChatEvent.Visualization(viz));
        var payload = invocation.Result is { } ok
            ? JsonSerializer.Serialize(ok.Payload, Json)
            : JsonSerializer.Serialize(new { error = invocation.Error, outcome = invocation.Outcome }, Json);
        if (policy.Mode == ChatEgressMode.SchemaOnly && invocation.Result is { } data && !SchemaOnlyAnswer.MaySend(invocation.Name, payload))
        {
            payload = SchemaOnlyAnswer.Withheld(data.Visualization?.Columns.Select(c => c.Name).ToList() ?? [], data.RowCount);
            if (data.Visualization is { } shown) _withheld.Add(shown);
        }
        return payload.Length > MaxResultChars ? payload[..MaxResultChars] + "… (truncated; narrow the query)" : payload;
    }
}
