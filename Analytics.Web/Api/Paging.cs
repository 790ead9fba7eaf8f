using Analytics.Domain;

namespace Analytics.Web.Api;

/// <summary>The wire shape of a page: <c>{ items, nextCursor }</c>.</summary>
public sealed record PagedResponse<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    public static PagedResponse<T> From(Page<T> page) =>
        new(page.Items, page.NextAfter is null ? null : PageRequest.EncodeCursor(page.NextAfter));
}
