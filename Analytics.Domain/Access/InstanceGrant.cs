namespace Analytics.Domain.Access;

/// <summary>Grants one user read access to one data source (instance).</summary>
public sealed class InstanceGrant
{
    public required string UserId { get; init; }
    public required string SourceId { get; init; }
}
