namespace Analytics.Domain.Dashboards.Layout;

/// <summary>Where a new widget goes on a stored dashboard without moving anything already there.</summary>
public static class WidgetPlacement
{
    /// <summary>
    /// The first free spot in reading order (top to bottom, then left to right) where a <paramref name="w"/> × <paramref name="h"/>
    /// widget fits on the grid without overlapping <paramref name="taken"/> — the scan the dashboard editor's layout state (<c>DashboardLayoutState.Add</c> in Analytics.Web)
    /// makes, but against the positions as stored (no compaction), so the other widgets stay where they are.
    /// </summary>
    public static WidgetPosition FirstFree(IEnumerable<WidgetPosition> taken, int w, int h, int columns = Dashboard.GridColumns)
    {
        var width = Math.Clamp(w, 1, columns);
        var height = Math.Max(1, h);
        var occupied = taken.ToList();
        for (var y = 0; ; y++)
        {
            for (var x = 0; x + width <= columns; x++)
            {
                var probe = new WidgetPosition(x, y, width, height);
                if (!occupied.Any(o => o.Overlaps(probe))) return probe;
            }
        }
    }
}
