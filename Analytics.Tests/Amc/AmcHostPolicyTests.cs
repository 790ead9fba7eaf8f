using System.Net.Http.Headers;
using Analytics.Data.Amc;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Analytics.Tests.Amc;

/// <summary>
/// Where the AMC connector may send requests: https to Amazon's API hosts (with the token) and to Amazon's storage hosts
/// (downloads, no credentials) — by default; tests allow the local fake only by explicit configuration. The HTTP-level
/// tests run the app's own "amc" client against the fake AMC on 127.0.0.1 and check that a refused request never left.
/// </summary>
public sealed class AmcHostPolicyTests : IAsyncLifetime
{
    private FakeAmcServer _amc = null!;

    public async Task InitializeAsync() => _amc = await FakeAmcServer.StartAsync();

    public async Task DisposeAsync() => await _amc.DisposeAsync();

    private static AmcHostPolicy Policy(AmcHostOptions? options = null) =>
        new(new StaticOptions(options ?? new AmcHostOptions()));

    private sealed class StaticOptions(AmcHostOptions value) : IOptionsMonitor<AmcHostOptions>
    {
        public AmcHostOptions CurrentValue => value;
        public AmcHostOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<AmcHostOptions, string?> listener) => null;
    }

    [Theory]
    [InlineData("https://advertising-api.amazon.com")]
    [InlineData("https://advertising-api-eu.amazon.com/")]
    [InlineData("https://ADVERTISING-API-FE.amazon.com")]
    public void Amazons_api_hosts_are_allowed_as_base_urls_by_default(string baseUrl) =>
        Policy().BaseUrlError(baseUrl).Should().BeNull();

    [Theory]
    [InlineData("http://advertising-api.amazon.com", "https")]
    [InlineData("https://advertising-api.amazon.com.evil.example", "not an Amazon host")]
    [InlineData("https://evil.example/advertising-api.amazon.com", "not an Amazon host")]
    [InlineData("https://127.0.0.1", "not an Amazon host")]
    [InlineData("https://169.254.169.254", "not an Amazon host")]
    [InlineData("https://me:pw@advertising-api.amazon.com", "user name")]
    [InlineData("ftp://advertising-api.amazon.com", "https")]
    [InlineData("advertising-api.amazon.com", "https")]
    public void Other_hosts_and_plain_http_are_refused_as_base_urls(string baseUrl, string reason) =>
        Policy().BaseUrlError(baseUrl).Should().Contain(reason);

    [Theory]
    [InlineData("*.amazonaws.com", "amc-results.s3.amazonaws.com", true)]
    [InlineData("*.amazonaws.com", "bucket.s3.eu-west-1.amazonaws.com", true)]
    [InlineData("*.amazonaws.com", "amazonaws.com", false)]
    [InlineData("*.amazonaws.com", "evilamazonaws.com", false)]
    [InlineData("*.amazonaws.com", "amazonaws.com.evil.example", false)]
    [InlineData("advertising-api.amazon.com", "x.advertising-api.amazon.com", false)]
    public void Host_patterns_match_exactly_or_by_subdomain(string pattern, string host, bool matches) =>
        AmcHostPolicy.Matches(pattern, host).Should().Be(matches);

    [Fact]
    public void The_token_goes_only_to_api_hosts_and_downloads_only_come_from_storage_hosts()
    {
        var policy = Policy();
        HttpRequestMessage Request(string url, bool withToken)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (withToken) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token");
            return request;
        }

        policy.Invoking(p => p.EnsureAllowed(Request("https://advertising-api.amazon.com/amc/reporting/i/workflowExecutions", withToken: true))).Should().NotThrow();
        policy.Invoking(p => p.EnsureAllowed(Request("https://amc-results.s3.amazonaws.com/r.csv?X-Amz-Signature=abc", withToken: false))).Should().NotThrow();
        policy.Invoking(p => p.EnsureAllowed(Request("https://amc-results.s3.amazonaws.com/steal", withToken: true))).Should().Throw<AmcHostNotAllowedException>();
        policy.Invoking(p => p.EnsureAllowed(Request("https://attacker.example/r.csv", withToken: false))).Should().Throw<AmcHostNotAllowedException>();
        policy.Invoking(p => p.EnsureAllowed(Request("http://amc-results.s3.amazonaws.com/r.csv", withToken: false))).Should().Throw<AmcHostNotAllowedException>();
    }

    private static async Task<(AnalyticsTestHost Host, AmcClient Client)> ClientAsync(Dictionary<string, string?> settings)
    {
        var host = await AnalyticsTestHost.CreateAsync(Analytics.Data.DatabaseProvider.Sqlite, settings: settings);
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(Analytics.Data.Sources.Connectors.AmcSourceConnector.HttpClientName);
        return (host, new AmcClient(http, new AmcRetryOptions { MaxAttempts = 1, RequestTimeout = TimeSpan.FromSeconds(5) }, TimeProvider.System));
    }

    [Fact]
    public async Task By_default_the_apps_amc_client_sends_nothing_to_a_fake_on_127_0_0_1()
    {
        var (host, client) = await ClientAsync(new());
        await using var _ = host;

        var act = () => client.GetStatusAsync(_amc.Settings, "exec-1", CancellationToken.None);

        (await act.Should().ThrowAsync<AmcHostNotAllowedException>()).Which.Message.Should().Contain("https only");
        _amc.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task With_the_api_host_allowed_a_download_from_a_host_not_listed_for_downloads_is_refused_before_it_leaves()
    {
        var (host, client) = await ClientAsync(new()
        {
            ["Analytics:Outbound:AllowedHosts:0"] = "127.0.0.1",
            ["Analytics:Amc:AllowedHosts:0"] = "127.0.0.1",
            ["Analytics:Amc:AllowHttp"] = "true",
        });
        await using var _ = host;

        var list = await client.ListRecentAsync(_amc.Settings, DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None);
        list.Should().BeEmpty("the API host is allowed: the call reached the fake");
        var download = () => client.ReadResultAsync(new Uri(_amc.BaseUrl, "results/exec-1/0.csv").ToString(), CancellationToken.None);

        (await download.Should().ThrowAsync<AmcHostNotAllowedException>()).Which.Message.Should().Contain("Analytics:Amc:AllowedDownloadHosts");
        _amc.Requests.Should().OnlyContain(r => r.Path.EndsWith("/workflowExecutions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_token_is_not_sent_to_a_host_allowed_only_for_downloads()
    {
        var (host, client) = await ClientAsync(new()
        {
            ["Analytics:Outbound:AllowedHosts:0"] = "localhost",
            ["Analytics:Amc:AllowedDownloadHosts:0"] = "localhost",
            ["Analytics:Amc:AllowHttp"] = "true",
        });
        await using var _ = host;
        var settings = _amc.Settings with { BaseUrl = $"http://localhost:{_amc.BaseUrl.Port}/" };

        var act = () => client.GetStatusAsync(settings, "exec-1", CancellationToken.None);

        (await act.Should().ThrowAsync<AmcHostNotAllowedException>()).Which.Message.Should().Contain("Analytics:Amc:AllowedHosts");
        _amc.Requests.Should().BeEmpty();
    }
}
