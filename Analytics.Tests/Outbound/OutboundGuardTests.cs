using System.Net;
using System.Net.Http.Json;
using Analytics.Data.Alerts;
using Analytics.Data.Amc;
using Analytics.Data.Insights;
using Analytics.Data.Outbound;
using Analytics.Data.Sources.Connectors;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Outbound;

/// <summary>
/// The outbound guard against a real HTTP receiver on 127.0.0.1: every spelling of a loopback address — a name that
/// resolves to it, a decimal literal, an IPv4-mapped IPv6 literal — is refused after resolution, while the same requests
/// without the guard do reach the receiver (so these tests fail without it). Redirects are not followed.
/// </summary>
public sealed class OutboundGuardTests : IAsyncLifetime
{
    private FakeWebhookServer _hook = null!;

    public async Task InitializeAsync() => _hook = await FakeWebhookServer.StartAsync();

    public async Task DisposeAsync() => await _hook.DisposeAsync();

    private static ServiceProvider Services(params string[] allowedHosts)
    {
        var settings = allowedHosts.Select((h, i) => new KeyValuePair<string, string?>($"{OutboundOptions.Section}:AllowedHosts:{i}", h));
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section);
        services.AddSingleton<OutboundGuard>();
        services.AddHttpClient("guarded").AddOutboundGuard();
        return services.BuildServiceProvider();
    }

    private string LoopbackUrl(string host) => $"http://{host}:{_hook.Url.Port}/hook";

    public static TheoryData<string> LoopbackSpellings => new() { "localhost", "127.0.0.1", "2130706433", "0x7f.0.0.1", "127.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]" };

    [Theory]
    [MemberData(nameof(LoopbackSpellings))]
    public async Task Every_spelling_of_loopback_reaches_the_receiver_without_the_guard_and_is_refused_with_it(string host)
    {
        using (var plain = new HttpClient(new SocketsHttpHandler()))
        {
            (await plain.PostAsJsonAsync(LoopbackUrl(host), new { probe = "unguarded" })).StatusCode.Should().Be(HttpStatusCode.OK,
                $"{host} is the receiver on 127.0.0.1: only the guard keeps the app from reaching it");
        }
        _hook.Received.Clear();

        await using var services = Services();
        var guarded = services.GetRequiredService<IHttpClientFactory>().CreateClient("guarded");
        var act = () => guarded.PostAsJsonAsync(LoopbackUrl(host), new { probe = "guarded" });

        var refused = (await act.Should().ThrowAsync<HttpRequestException>()).Which;
        refused.InnerException.Should().BeOfType<OutboundRefusedException>();
        OutboundGuard.Describe(refused).Should().Be("refused: address not allowed");
        _hook.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task An_allowed_host_is_reached_as_written_but_another_name_for_the_same_address_is_not()
    {
        await using var services = Services("127.0.0.1");
        var guarded = services.GetRequiredService<IHttpClientFactory>().CreateClient("guarded");

        (await guarded.PostAsJsonAsync(LoopbackUrl("127.0.0.1"), new { ok = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        _hook.Received.Should().ContainSingle();

        var viaName = () => guarded.PostAsJsonAsync(LoopbackUrl("localhost"), new { ok = false });
        (await viaName.Should().ThrowAsync<HttpRequestException>()).Which.InnerException.Should().BeOfType<OutboundRefusedException>(
            "the exemption names 127.0.0.1, not every name that resolves to it");
        _hook.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task A_redirect_is_answered_not_followed()
    {
        await using var target = await FakeWebhookServer.StartAsync();
        _hook.StatusCode = 307;
        _hook.Location = target.Url.ToString();
        using (var following = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true }))
        {
            (await following.PostAsJsonAsync(_hook.Url, new { n = 1 })).StatusCode.Should().Be(HttpStatusCode.OK);
            target.Received.Should().ContainSingle("a client that follows redirects posts on to the target");
        }

        await using var services = Services("127.0.0.1");
        var guarded = services.GetRequiredService<IHttpClientFactory>().CreateClient("guarded");
        var response = await guarded.PostAsJsonAsync(_hook.Url, new { n = 2 });

        response.StatusCode.Should().Be(HttpStatusCode.TemporaryRedirect);
        target.Received.Should().ContainSingle("the guarded client stops at the redirect");
    }

    [Fact]
    public async Task Every_named_client_that_reaches_user_set_urls_goes_through_the_guard()
    {
        await using var host = await AnalyticsTestHost.CreateAsync(Analytics.Data.DatabaseProvider.Sqlite);
        var handlers = host.Services.GetRequiredService<IHttpMessageHandlerFactory>();

        foreach (var name in new[] { AlertEvaluationService.WebhookClient, InsightStore.WebhookClient, AmcSourceConnector.HttpClientName })
        {
            var chain = new List<HttpMessageHandler>();
            for (HttpMessageHandler? h = handlers.CreateHandler(name); h is not null; h = (h as DelegatingHandler)?.InnerHandler) chain.Add(h);
            var primary = chain.OfType<SocketsHttpHandler>().Should().ContainSingle($"{name} ends in a SocketsHttpHandler").Which;
            primary.ConnectCallback.Should().NotBeNull($"{name} checks addresses when it connects");
            primary.AllowAutoRedirect.Should().BeFalse($"{name} follows no redirect");
            primary.UseProxy.Should().BeFalse($"{name} connects itself, never through a proxy that would connect unchecked");
            if (name == AmcSourceConnector.HttpClientName) chain.OfType<AmcHostGuardHandler>().Should().ContainSingle("AMC requests pass the host policy");
        }
    }
}

/// <summary>Which addresses are public: a pure rule, checked against the ranges it must refuse and a few it must not.</summary>
public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("100.100.100.200")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("192.0.0.192")]
    [InlineData("168.63.129.16")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    public void Private_loopback_link_local_metadata_and_special_addresses_are_refused(string address) =>
        AddressPolicy.Refusal(IPAddress.Parse(address)).Should().NotBeNull();

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    public void Public_unicast_addresses_are_allowed(string address) =>
        AddressPolicy.Refusal(IPAddress.Parse(address)).Should().BeNull();
}
