namespace Analytics.Domain.Sources;

/// <summary>
/// What the app records about one execution's run at a remote source (an AMC workflow execution), so that the run
/// happens once at the source whatever the app process goes through. The connector marks "submitting since T" right
/// before it submits, stores the remote id the moment the source answers it (before any polling), and a resumed run polls
/// that id. Only when the process died between the mark and the answer does the connector look the run up at the source,
/// among runs created at or after T that no other execution of ours has claimed.
/// Every write is conditional on this process still running the execution; when another process has taken it over, it
/// throws <see cref="RunSupersededException"/>.
/// </summary>
public interface IRemoteRunJournal
{
    /// <summary>The remote run this execution already started or took over, or null.</summary>
    string? RemoteId { get; }

    /// <summary>When an earlier attempt began submitting without its answer being recorded, or null.</summary>
    DateTimeOffset? SubmittingSince { get; }

    /// <summary>
    /// Waits for one of the instance's slots for runs at the source, counted across every app process on the database;
    /// the execution holds it (across restarts) until <see cref="ReleaseSlotAsync"/> or until it ends.
    /// </summary>
    Task AcquireSlotAsync(CancellationToken ct);

    /// <summary>The remote run ended (or never started): its slot goes to the next run on the instance.</summary>
    Task ReleaseSlotAsync(CancellationToken ct);

    /// <summary>Records that a submission is about to be sent, at <paramref name="since"/> (kept if already set: the first attempt's time counts).</summary>
    Task SubmittingAsync(DateTimeOffset since, CancellationToken ct);

    /// <summary>Stores <paramref name="remoteId"/> as this execution's remote run; false when another execution of ours has claimed it.</summary>
    Task<bool> ClaimAsync(string remoteId, CancellationToken ct);

    /// <summary>
    /// Of <paramref name="remoteIds"/>, those that executions of ours have claimed on the instance (an earlier remote run of
    /// this very execution included: a lost submission is never one whose answer was stored).
    /// </summary>
    Task<IReadOnlySet<string>> ClaimedAsync(IReadOnlyCollection<string> remoteIds, CancellationToken ct);

    /// <summary>The remote run ended without a result to read (failed, cancelled): another attempt submits anew. Its claim stays.</summary>
    Task ForgetRemoteAsync(CancellationToken ct);
}

/// <summary>A remote run that could be an execution's lost submission, as the source listed it.</summary>
public sealed record RemoteCandidate(string RemoteExecutionId, string Status, string? TimeWindowStart, string? TimeWindowEnd);

/// <summary>
/// The process died after submitting and before recording the answer, and the source lists more than one run that could be
/// it. Nothing is submitted and none is taken: a person chooses (the execution keeps the candidates).
/// </summary>
public sealed class RemoteRunAmbiguousException(DateTimeOffset since, IReadOnlyList<RemoteCandidate> candidates)
    : SourceQueryException($"Awaiting your choice: the submission begun at {since.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC lost its answer in a crash, and AMC lists "
        + $"{candidates.Count} runs of this window created since then that none of our runs has claimed ({string.Join(", ", candidates.Select(c => $"{c.RemoteExecutionId} {c.Status.ToLowerInvariant()}"))}). "
        + "Choose the one that is this run's, so it is not run twice; nothing is submitted until then.", retryable: false)
{
    public DateTimeOffset Since { get; } = since;
    public IReadOnlyList<RemoteCandidate> Candidates { get; } = candidates;
}

/// <summary>Another app process has taken this execution over (this one lost its claim, e.g. after a long pause): stop without writing.</summary>
public sealed class RunSupersededException(string executionId)
    : OperationCanceledException($"Execution {executionId} is now run by another process; this one stopped.")
{
    public string ExecutionId { get; } = executionId;
}

/// <summary>
/// One instance's submission pace, shared by every app process on the database: a token bucket (<see cref="Tokens"/> as of
/// <see cref="RefilledAt"/>) and a cool-down after the source answered 429 (<see cref="BlockedUntil"/>). Changed only by
/// compare-and-set on <see cref="Version"/>.
/// </summary>
public sealed class InstanceGate
{
    public required string SourceId { get; init; }
    public double Tokens { get; set; }
    public DateTimeOffset RefilledAt { get; set; }
    public DateTimeOffset? BlockedUntil { get; set; }
    public long Version { get; set; }
}

/// <summary>
/// One of an instance's slots for runs at the source (AMC runs at most 10 per instance at once). Held by an execution from
/// before it submits until its remote run ends; taken by compare-and-set, so the count holds across app processes.
/// A slot whose execution is no longer pending or running is free.
/// </summary>
public sealed class InstanceSlot
{
    public required string SourceId { get; init; }
    public int Slot { get; init; }
    public string? ExecutionId { get; set; }
    public DateTimeOffset? AcquiredAt { get; set; }
}

/// <summary>A remote run an execution of ours started or took over; unique per instance, so two executions never take the same one.</summary>
public sealed class RemoteExecutionClaim
{
    public required string SourceId { get; init; }
    public required string RemoteExecutionId { get; init; }
    public required string ExecutionId { get; init; }
    public DateTimeOffset ClaimedAt { get; init; }
}
