using Analytics.Domain.Sources;

namespace Analytics.Data.Amc;

/// <summary>
/// A journal kept in memory, for calling <see cref="AmcClient.RunAsync"/> outside an execution (tests, tools): it survives
/// retries within the call, not a crash. <paramref name="claimed"/> may be shared by several journals to stand for "the
/// remote runs our other executions hold". No slots are counted.
/// </summary>
public sealed class InMemoryRemoteRunJournal(ISet<string>? claimed = null, string? remoteId = null, DateTimeOffset? submittingSince = null) : IRemoteRunJournal
{
    private readonly ISet<string> _claimed = claimed ?? new HashSet<string>();

    public string? RemoteId { get; private set; } = remoteId;

    public DateTimeOffset? SubmittingSince { get; private set; } = submittingSince;

    public Task AcquireSlotAsync(CancellationToken ct) => Task.CompletedTask;

    public Task ReleaseSlotAsync(CancellationToken ct) => Task.CompletedTask;

    public Task SubmittingAsync(DateTimeOffset since, CancellationToken ct)
    {
        SubmittingSince ??= since;
        return Task.CompletedTask;
    }

    public Task<bool> ClaimAsync(string remoteId, CancellationToken ct)
    {
        lock (_claimed)
        {
            if (remoteId != RemoteId && !_claimed.Add(remoteId)) return Task.FromResult(false);
        }
        RemoteId = remoteId;
        SubmittingSince = null;
        return Task.FromResult(true);
    }

    public Task<IReadOnlySet<string>> ClaimedAsync(IReadOnlyCollection<string> remoteIds, CancellationToken ct)
    {
        lock (_claimed) return Task.FromResult<IReadOnlySet<string>>(remoteIds.Where(_claimed.Contains).ToHashSet());
    }

    public Task ForgetRemoteAsync(CancellationToken ct)
    {
        RemoteId = null;
        SubmittingSince = null;
        return Task.CompletedTask;
    }
}
