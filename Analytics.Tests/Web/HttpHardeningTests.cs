using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Analytics.Tests.Web;

/// <summary>What every response tells the browser (CSP, framing, referrer, sniffing), cookies marked Secure, and a cookie sign-in over HTTP.</summary>
public sealed partial class SecurityHeadersTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"name=""__RequestVerificationToken""[^>]*value=""([^""]+)""")]
    private static partial Regex AntiforgeryField();

    internal static Dictionary<string, string> Directives(HttpResponseMessage response) =>
        response.Headers.GetValues("Content-Security-Policy").Single()
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Contains(' ') ? d[(d.IndexOf(' ') + 1)..] : "");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    /// <summary>An HTTP client on https://localhost: the test server takes any scheme, and the client's cookie jar returns Secure cookies only over https.</summary>
    private HttpClient CookieClient() =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task A_page_carries_a_content_security_policy_that_allows_exactly_its_own_inline_scripts()
    {
        var response = await factory.CreateClient().GetAsync("/account/login");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();

        var csp = Directives(response);
        csp["default-src"].Should().Be("'self'");
        csp["object-src"].Should().Be("'none'");
        csp["base-uri"].Should().Be("'self'");
        csp["form-action"].Should().Be("'self'");
        csp["frame-ancestors"].Should().Be("'none'");
        csp["img-src"].Should().Be("'self' data:");
        csp["connect-src"].Should().Be("'self'");
        csp["style-src"].Should().Be("'self' 'unsafe-inline'");
        csp["script-src"].Should().StartWith("'self'").And.NotContain("unsafe-inline").And.NotContain("unsafe-eval");

        var inline = InlineScript().Matches(html).Select(m => m.Groups[1].Value).ToList();
        inline.Should().HaveCount(1, "the page has its one inline script (ECharts preload)");
        var pageHashes = inline.Select(s => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(s)))}'");
        csp["script-src"].Split(' ').Where(t => t.StartsWith("'sha256-", StringComparison.Ordinal)).Should().BeEquivalentTo(pageHashes,
            "each inline script the page renders is allowed by its hash, and nothing else is");

        Header(response, "X-Content-Type-Options").Should().Be("nosniff");
        Header(response, "X-Frame-Options").Should().Be("DENY");
        Header(response, "Referrer-Policy").Should().Be("strict-origin-when-cross-origin");
        Header(response, "Strict-Transport-Security").Should().BeNull("HSTS is sent outside Development only");
    }

    [Fact]
    public async Task Api_responses_and_static_files_get_nosniff_and_no_policy()
    {
        var api = await factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey).GetAsync("/api/v1/sources");
        api.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(api, "X-Content-Type-Options").Should().Be("nosniff");
        Header(api, "Content-Security-Policy").Should().BeNull();

        var denied = await factory.CreateClient().GetAsync("/api/v1/sources");
        denied.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        Header(denied, "X-Content-Type-Options").Should().Be("nosniff");

        var css = await factory.CreateClient().GetAsync("/css/app.css");
        css.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(css, "X-Content-Type-Options").Should().Be("nosniff");
        Header(css, "Content-Security-Policy").Should().BeNull();
    }

    [Fact]
    public async Task The_public_page_sends_no_referrer_and_is_not_embeddable_unless_configured()
    {
        var admin = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
        var token = await PublicTokenAsync(admin);

        var response = await factory.CreateClient().GetAsync($"/public/d/{token}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(response, "Referrer-Policy").Should().Be("no-referrer", "the page's address is the link's secret");
        Directives(response)["frame-ancestors"].Should().Be("'none'");
        Header(response, "X-Frame-Options").Should().Be("DENY");
    }

    internal static async Task<string> PublicTokenAsync(HttpClient admin)
    {
        var dashboards = await admin.GetFromJsonAsync<JsonObject>("/api/v1/dashboards");
        var id = dashboards!["items"]![0]!["id"]!.GetValue<string>();
        var shared = await admin.PostAsJsonAsync($"/api/v1/dashboards/{id}/shares", new { @public = true });
        shared.StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Created);
        return (await shared.Content.ReadFromJsonAsync<JsonObject>())!["publicToken"]!.GetValue<string>();
    }

    [Fact]
    public async Task Cookies_are_secure_and_a_cookie_sign_in_works_over_http_with_an_https_client()
    {
        var plain = await factory.CreateClient().GetAsync("/account/login");
        plain.StatusCode.Should().Be(HttpStatusCode.OK, "antiforgery works on plain http too");
        plain.Headers.GetValues("Set-Cookie").Should().NotBeEmpty().And.OnlyContain(c => c.Contains("; secure", StringComparison.OrdinalIgnoreCase),
            "cookies are Secure even on a plain-http request");

        using var client = CookieClient();
        var form = await client.GetAsync("/account/login");
        form.Headers.GetValues("Set-Cookie").Should().OnlyContain(c => c.Contains("; secure", StringComparison.OrdinalIgnoreCase), "the antiforgery cookie too");
        var token = AntiforgeryField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        token.Should().NotBeEmpty();

        var signIn = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = AnalyticsWebFactory.AdminEmail, ["password"] = AnalyticsWebFactory.AdminPassword, ["returnUrl"] = "/dashboards", ["__RequestVerificationToken"] = token,
        }));

        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        signIn.Headers.Location!.ToString().Should().Be("/dashboards");
        var auth = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("analytics.auth=", StringComparison.Ordinal));
        auth.Should().ContainEquivalentOf("; secure").And.ContainEquivalentOf("; httponly").And.ContainEquivalentOf("; samesite=lax");
        var page = await client.GetAsync("/dashboards");
        page.StatusCode.Should().Be(HttpStatusCode.OK, "the signed-in cookie comes back over https");
        Directives(page)["script-src"].Should().Contain("'sha256-");
    }

    [Fact]
    public async Task Forwarded_headers_are_ignored_when_no_proxy_is_configured_even_from_loopback()
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/api/v1/sources";
            c.Request.Headers.Authorization = $"Bearer {AnalyticsWebFactory.BootstrapKey}";
            c.Request.Headers["X-Forwarded-For"] = "203.0.113.9";
            c.Request.Headers["X-Forwarded-Proto"] = "https";
            c.Connection.RemoteIpAddress = IPAddress.Loopback;
        });

        context.Response.StatusCode.Should().Be(200);
        context.Connection.RemoteIpAddress.Should().Be(IPAddress.Loopback, "ASP.NET's default would believe loopback; this app believes only configured proxies");
        context.Request.Scheme.Should().Be("http");
    }
}

/// <summary>The app outside Development with proxies and an embedding origin configured: HSTS, forwarded headers from those proxies only, frame-ancestors.</summary>
public sealed class ProductionHttpFactory : AnalyticsWebFactory
{
    public const string Embedder = "https://intranet.example.com";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
        builder.UseSetting("Analytics:Http:KnownProxies:0", "10.0.0.5");
        builder.UseSetting("Analytics:Http:KnownNetworks:0", "192.168.50.0/24");
        builder.UseSetting("Analytics:Http:PublicEmbedOrigins:0", Embedder);
    }
}

public sealed class ProductionHttpTests(ProductionHttpFactory factory) : IClassFixture<ProductionHttpFactory>
{
    private static string? Header(HttpContext context, string name) => context.Response.Headers.TryGetValue(name, out var v) ? v.ToString() : null;

    private Task<HttpContext> SendAsync(string path, string from, string? forwardedFor = null, string? forwardedProto = null, string method = "GET", object? json = null) =>
        factory.Server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = path;
            c.Request.Host = new HostString("analytics.example.test"); // HSTS is never sent for localhost
            c.Request.Headers.Authorization = $"Bearer {AnalyticsWebFactory.BootstrapKey}";
            if (forwardedFor is not null) c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            if (forwardedProto is not null) c.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            if (json is not null)
            {
                var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(json));
                c.Request.ContentType = "application/json";
                c.Request.ContentLength = body.Length;
                c.Request.Body = new MemoryStream(body);
                c.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>(new HasBody());
            }
            c.Connection.RemoteIpAddress = IPAddress.Parse(from);
        });

    private sealed class HasBody : Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    [Fact]
    public async Task Https_responses_carry_hsts_for_a_year()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://analytics.example.test"), AllowAutoRedirect = false });
        var response = await client.GetAsync("/account/login");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        string.Join(",", response.Headers.GetValues("Strict-Transport-Security")).Should().Be("max-age=31536000");
    }

    [Fact]
    public async Task Forwarded_headers_count_from_configured_proxies_and_networks_only()
    {
        var viaProxy = await SendAsync("/account/login", from: "10.0.0.5", forwardedFor: "203.0.113.7", forwardedProto: "https");
        viaProxy.Connection.RemoteIpAddress!.ToString().Should().Be("203.0.113.7");
        viaProxy.Request.IsHttps.Should().BeTrue();
        Header(viaProxy, "Strict-Transport-Security").Should().NotBeNull("the proxy said the client used https");

        var viaNetwork = await SendAsync("/account/login", from: "192.168.50.20", forwardedFor: "203.0.113.8");
        viaNetwork.Connection.RemoteIpAddress!.ToString().Should().Be("203.0.113.8");

        var spoofed = await SendAsync("/account/login", from: "10.0.0.9", forwardedFor: "203.0.113.7", forwardedProto: "https");
        spoofed.Connection.RemoteIpAddress!.ToString().Should().Be("10.0.0.9", "10.0.0.9 is no configured proxy");
        spoofed.Request.IsHttps.Should().BeFalse();
        Header(spoofed, "Strict-Transport-Security").Should().BeNull();

        // What the client address feeds: the audit trail records the forwarded address only via a configured proxy.
        var created = await SendAsync("/api/v1/sources", from: "10.0.0.5", forwardedFor: "203.0.113.77", method: "POST", json: new
        {
            name = "Via proxy", kind = "csv", settings = new { timeColumn = "day", dimensions = new[] { "campaign" }, measures = new[] { new { name = "clicks", aggregation = "sum" } } },
        });
        created.Response.StatusCode.Should().Be(201, await new StreamReader(created.Response.Body).ReadToEndAsync());
        var admin = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
        var audit = await admin.GetFromJsonAsync<JsonObject>("/api/v1/audit?action=source.created");
        audit!["items"]!.AsArray().Select(e => e!["clientIp"]?.GetValue<string>()).Should().Contain("203.0.113.77");
    }

    [Fact]
    public async Task Only_the_public_page_may_be_framed_and_only_by_the_configured_origins()
    {
        var admin = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
        var token = await SecurityHeadersTests.PublicTokenAsync(admin);
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://analytics.example.test"), AllowAutoRedirect = false });

        var publicPage = await client.GetAsync($"/public/d/{token}");
        publicPage.StatusCode.Should().Be(HttpStatusCode.OK);
        SecurityHeadersTests.Directives(publicPage)["frame-ancestors"].Should().Be(ProductionHttpFactory.Embedder);
        publicPage.Headers.Contains("X-Frame-Options").Should().BeFalse("X-Frame-Options cannot name an origin; frame-ancestors does");

        var login = await client.GetAsync("/account/login");
        SecurityHeadersTests.Directives(login)["frame-ancestors"].Should().Be("'none'");
        string.Join(",", login.Headers.GetValues("X-Frame-Options")).Should().Be("DENY");
    }
}
