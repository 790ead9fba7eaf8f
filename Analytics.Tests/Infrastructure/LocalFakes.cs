using Microsoft.AspNetCore.Hosting;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// The explicit configuration that lets the app reach the Fake*Server receivers on 127.0.0.1: the outbound guard refuses
/// loopback and AMC is https-only to Amazon's hosts by default, and hosts under test opt in with exactly this.
/// </summary>
public static class LocalFakes
{
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Analytics:Outbound:AllowedHosts:0"] = "127.0.0.1",
        ["Analytics:Amc:AllowedHosts:0"] = "127.0.0.1",
        ["Analytics:Amc:AllowedDownloadHosts:0"] = "127.0.0.1",
        ["Analytics:Amc:AllowHttp"] = "true",
    };

    /// <summary><see cref="Settings"/> plus <paramref name="extra"/> (which wins), for <see cref="AnalyticsTestHost.CreateAsync"/>.</summary>
    public static Dictionary<string, string?> With(IDictionary<string, string?>? extra = null)
    {
        var all = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) all[key] = value;
        return all;
    }

    public static IWebHostBuilder AllowLocalFakes(this IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        return builder;
    }
}

/// <summary>The app of <see cref="Web.AnalyticsWebFactory"/> allowed to reach the local fakes (<see cref="LocalFakes"/>).</summary>
public sealed class LocalFakesWebFactory : Web.AnalyticsWebFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.AllowLocalFakes();
    }
}
