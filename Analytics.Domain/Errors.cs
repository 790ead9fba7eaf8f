namespace Analytics.Domain;

/// <summary>Base of the errors the domain raises on purpose; the web layer maps each to a problem+json status.</summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>Bad input: 400, with the offending fields.</summary>
public sealed class ValidationException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException("One or more fields are invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public ValidationException(string field, string message) : this(new Dictionary<string, string[]> { [field] = [message] }) { }
}

/// <summary>Missing, or not visible to the caller: 404 (we never reveal that something exists but is hidden).</summary>
public sealed class NotFoundException(string what, string id) : DomainException($"{what} '{id}' was not found.")
{
    public string What { get; } = what;
    public string Id { get; } = id;
}

/// <summary>Visible but not allowed: 403.</summary>
public sealed class ForbiddenException(string message) : DomainException(message);

/// <summary>The request conflicts with the current state: 409.</summary>
public sealed class ConflictException(string message) : DomainException(message);

/// <summary>Too many at once (a limit on concurrent work): 429, with when to try again.</summary>
public sealed class RateLimitedException(string message, TimeSpan retryAfter) : DomainException(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
