using System.Text;

namespace Analytics.Domain;

/// <summary>Keyset paging: <c>?limit=&amp;cursor=</c>; the cursor is the last id of the previous page, opaque to clients.</summary>
public sealed record PageRequest(int Limit, string? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static PageRequest Parse(int? limit, string? cursor)
    {
        if (limit is < 1 or > MaxLimit) throw new ValidationException("limit", $"limit must be between 1 and {MaxLimit}.");
        string? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            try { after = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)); }
            catch (FormatException) { throw new ValidationException("cursor", "cursor is not one this API returned; omit it to start from the first page."); }
        }
        return new PageRequest(limit ?? DefaultLimit, after);
    }

    public static string EncodeCursor(string lastId) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastId));
}

/// <summary>One page; <see cref="NextAfter"/> is the raw last id, or null at the end.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextAfter);
