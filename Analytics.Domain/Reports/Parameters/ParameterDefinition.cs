using System.Text.Json;

namespace Analytics.Domain.Reports.Parameters;

/// <summary>The kinds of template parameter (CONTRACT.md: ParameterDefinition.type).</summary>
public enum ParameterType
{
    Date,
    DateRange,
    Int,
    Decimal,
    String,
    Enum,
    StringList,
    AsinList,
    CampaignList,
}

/// <summary>
/// One declared parameter of a report template: <c>{ name, type, required, default?, min?, max?, options? }</c>.
/// <see cref="Default"/> is raw JSON so every type can carry its own default (a number, a list, or a date expression
/// such as <c>"last 4 weeks"</c>).
/// </summary>
public sealed record ParameterDefinition(
    string Name,
    ParameterType Type,
    bool Required = false,
    JsonElement? Default = null,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? Options = null);

/// <summary>A validated value, ready to render: a scalar (long, decimal, string, DateOnly) or a list of them.</summary>
public sealed record ParameterValue(string Name, ParameterType Type, object Value)
{
    public bool IsList => Value is System.Collections.IList;
}

/// <summary>A date range, start inclusive and end exclusive.</summary>
public readonly record struct DateSpan(DateOnly Start, DateOnly End);
