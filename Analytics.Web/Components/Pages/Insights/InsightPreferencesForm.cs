using Analytics.Domain.Insights;

namespace Analytics.Web.Components.Pages.Insights;

/// <summary>
/// The notification settings on /insights, editable without a browser: per channel (in-app bell, e-mail) which types,
/// from which priority up and how often (at once, daily or weekly digest, off). Reads and writes the same
/// <see cref="InsightNotificationPreferences"/> as <c>PUT /api/v1/me/preferences</c>.
/// </summary>
public sealed class InsightPreferencesForm
{
    public sealed class Channel
    {
        public HashSet<InsightType> Types { get; } = [];
        public InsightPriority MinPriority { get; set; }
        public string Frequency { get; set; } = InsightFrequency.Immediately;

        public bool Has(InsightType type) => Types.Contains(type);

        public void Set(InsightType type, bool on)
        {
            if (on) Types.Add(type);
            else Types.Remove(type);
        }

        /// <summary>Plain words for the current choice, shown under the channel.</summary>
        public string Summary => Frequency == InsightFrequency.Off || Types.Count == 0
            ? "Nothing is sent; the feed still lists everything."
            : $"{Describe(Frequency)}: {string.Join(", ", Enum.GetValues<InsightType>().Where(Types.Contains).Select(t => t.ToString().ToLowerInvariant()))} " +
              $"insights of {MinPriority.ToString().ToLowerInvariant()} priority{(MinPriority == InsightPriority.Critical ? "" : " and above")}.";

        internal static Channel From(InsightChannelPreferences p)
        {
            var channel = new Channel { MinPriority = p.MinPriority, Frequency = p.Frequency };
            channel.Types.UnionWith(p.Types);
            return channel;
        }
    }

    public static readonly IReadOnlyList<(string Value, string Text)> Frequencies =
    [
        (InsightFrequency.Immediately, "Immediately"), (InsightFrequency.Daily, "Daily digest"),
        (InsightFrequency.Weekly, "Weekly digest"), (InsightFrequency.Off, "Off"),
    ];

    public Channel InApp { get; private init; } = new();
    public Channel Email { get; private init; } = new();

    public static InsightPreferencesForm From(InsightNotificationPreferences preferences) =>
        new() { InApp = Channel.From(preferences), Email = Channel.From(preferences.Email) };

    public InsightNotificationPreferences ToPreferences() => new()
    {
        Types = Ordered(InApp.Types), MinPriority = InApp.MinPriority, Frequency = InApp.Frequency,
        Email = new InsightChannelPreferences { Types = Ordered(Email.Types), MinPriority = Email.MinPriority, Frequency = Email.Frequency },
    };

    private static List<InsightType> Ordered(IEnumerable<InsightType> types) => types.Order().ToList();

    private static string Describe(string frequency) => frequency switch
    {
        InsightFrequency.Daily => "One digest a day",
        InsightFrequency.Weekly => "One digest a week (Mondays)",
        _ => "Each one as it is found",
    };
}
