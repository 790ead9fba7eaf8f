namespace Analytics.Domain.Reports;

/// <summary>
/// What a source answers: column names and rows of plain values (<see cref="string"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="decimal"/>, <see cref="DateTime"/>, <see cref="DateTimeOffset"/>,
/// <see cref="DateOnly"/>, <see cref="bool"/> or null). Text sources (AMC, CSV) answer strings; the mapper parses them.
/// </summary>
public sealed record TabularResult(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows)
{
    public static TabularResult Empty { get; } = new([], []);
}
