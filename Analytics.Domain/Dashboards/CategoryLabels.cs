namespace Analytics.Domain.Dashboards;

/// <summary>How a chart lays out the names along its category axis.</summary>
public enum CategoryLabelLayout
{
    /// <summary>Side by side under the chart, as they are.</summary>
    Straight,
    /// <summary>Slanted and cut short (the tooltip names the category in full): the chart cannot turn (lines, areas).</summary>
    Rotated,
    /// <summary>Bars turned sideways, categories down the side where long names have room (cut short beyond it).</summary>
    Horizontal,
}

/// <summary>
/// The one rule for readable category names (campaigns run long): short names, not too many, stay straight; otherwise bar
/// charts turn horizontal and other charts slant their labels and cut them short, with the whole name in the tooltip.
/// Chosen by label length, so the dashboard's charts, chat's charts and the PDF agree.
/// </summary>
public static class CategoryLabels
{
    /// <summary>A name longer than this (characters) does not fit under a bar of an average widget.</summary>
    public const int LongLabel = 14;

    /// <summary>More categories than this do not fit side by side.</summary>
    public const int ManyCategories = 12;

    /// <summary>More characters than this in all names together do not fit side by side on a half-width widget.</summary>
    public const int TotalCharacters = 90;

    /// <summary>Widest a category label is drawn (pixels on screen) before it is cut short with "…".</summary>
    public const int MaxLabelWidth = 140;

    /// <param name="labels">The category names in axis order.</param>
    /// <param name="canTurn">Whether the chart can lay its categories down the side (bars).</param>
    public static CategoryLabelLayout Choose(IReadOnlyCollection<string> labels, bool canTurn)
    {
        if (labels.Count == 0) return CategoryLabelLayout.Straight;
        var longest = labels.Max(l => l.Length);
        var total = labels.Sum(l => l.Length);
        if (longest <= LongLabel && labels.Count <= ManyCategories && total <= TotalCharacters) return CategoryLabelLayout.Straight;
        return canTurn ? CategoryLabelLayout.Horizontal : CategoryLabelLayout.Rotated;
    }
}
