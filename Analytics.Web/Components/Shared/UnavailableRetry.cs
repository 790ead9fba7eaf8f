using Analytics.Data;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Components.Shared;

/// <summary>
/// When a page or tile tries again after the database was briefly unavailable (<see cref="TransientDatabase"/>):
/// <c>Analytics:Database:RetryAfterSeconds</c> after the first failure, doubling up to four times that while it stays
/// away; back to the start once something worked. One per tile or page; not thread-safe (the circuit's thread uses it).
/// </summary>
public sealed class UnavailableRetry(TimeSpan first)
{
    private int _failures;

    public UnavailableRetry(IOptions<DatabaseOptions> options) : this(TimeSpan.FromSeconds(options.Value.RetryAfterSeconds)) { }

    /// <summary>Another failure: how long to wait before the next try.</summary>
    public TimeSpan Next()
    {
        return TransientDatabase.Backoff(first, _failures++);
    }

    /// <summary>It worked: the next failure waits the first delay again.</summary>
    public void Reset() => _failures = 0;

    /// <summary>Waits <paramref name="delay"/>, then runs <paramref name="retry"/> unless <paramref name="stop"/> was cancelled meanwhile.</summary>
    public static async Task AfterAsync(TimeSpan delay, Func<Task> retry, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await retry();
    }
}
