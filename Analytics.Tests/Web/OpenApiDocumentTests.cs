using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Web;

/// <summary>
/// <c>GET /openapi/v1.json</c> describes every <c>/api/v1</c> endpoint the app really maps (read from its
/// <see cref="EndpointDataSource"/>, so a new endpoint without a summary or a success response fails here), with the
/// problem responses that apply and the bearer key, and nothing but the API; <c>/api/docs</c> is Scalar's page over it,
/// served from the app itself.
/// </summary>
public sealed class OpenApiDocumentTests(AnalyticsWebFactory factory) : IClassFixture<AnalyticsWebFactory>
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    private async Task<JsonObject> DocumentAsync()
    {
        // No key, no cookie: the reference describes the API, not data.
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>The document's path for a route: <c>/api/v1/users/{id}</c> (no constraints, no trailing slash).</summary>
    private static string PathOf(RoutePattern route) =>
        "/" + string.Join("/", route.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            RoutePatternLiteralPart l => l.Content,
            RoutePatternParameterPart q => "{" + q.Name + "}",
            RoutePatternSeparatorPart s2 => s2.Content,
            _ => "",
        }))));

    private static string Trim(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    [Fact]
    public async Task Every_api_v1_endpoint_is_documented_with_a_summary_a_success_response_and_its_problem_responses()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!.AsObject().ToDictionary(p => Trim(p.Key), p => p.Value!.AsObject());
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .ToList();
        endpoints.Should().HaveCountGreaterThan(100, "the API has well over a hundred endpoints; fewer means the source of endpoints is wrong");

        var failures = new List<string>();
        var documented = 0;
        foreach (var endpoint in endpoints)
        {
            var path = Trim(PathOf(endpoint.RoutePattern));
            if (endpoint.RoutePattern.Parameters.Any(p => p.IsCatchAll))
            {
                // Only the 404 fallback for unknown API routes may stay out of the document.
                endpoint.Metadata.GetMetadata<IHttpMethodMetadata>().Should().BeNull("the catch-all is the fallback, not an endpoint: {0}", path);
                continue;
            }
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? Methods)
            {
                var where = $"{method} {path}";
                if (!paths.TryGetValue(path, out var item) || item[method.ToLowerInvariant()] is not JsonObject operation)
                {
                    failures.Add($"{where}: not in /openapi/v1.json");
                    continue;
                }
                documented++;
                if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()) && string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()))
                    failures.Add($"{where}: no summary or description (.WithSummary)");

                var responses = operation["responses"]?.AsObject() ?? [];
                var success = responses.Where(r => r.Key.StartsWith('2')).ToList();
                if (!success.Any(r => HasContent(r.Value) || r.Key is "202" or "204" && !HasContent(r.Value)))
                    failures.Add($"{where}: no 2xx response with a content type (or a bodiless 202/204): {string.Join(", ", success.Select(r => r.Key))}");
                if (success.Any(r => r.Key is "200" or "201" && !HasContent(r.Value)))
                    failures.Add($"{where}: a 200/201 without a body is documented (say what it returns, or that it is 204)");

                var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
                var expected = new List<string>();
                if (!anonymous) expected.AddRange(["401", "403"]);
                if (endpoint.RoutePattern.Parameters.Count > 0) expected.Add("404");
                if (endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not null) expected.Add("429");
                if (operation["requestBody"] is not null || (operation["parameters"]?.AsArray() ?? []).Any(p => p!["in"]!.GetValue<string>() == "query"))
                    expected.Add("400");
                foreach (var status in expected)
                {
                    if (responses[status]?["content"]?["application/problem+json"]?["schema"] is null)
                        failures.Add($"{where}: no {status} problem+json response");
                }
                if (responses["400"]?["content"]?["application/problem+json"]?["schema"] is JsonObject invalid && !SchemaHasProperty(document, invalid, "errors"))
                    failures.Add($"{where}: its 400 does not describe `errors` by field");

                var secured = operation["security"]?.AsArray().Any(r => r!.AsObject().ContainsKey("apiKey")) == true;
                if (secured == anonymous)
                    failures.Add($"{where}: {(anonymous ? "anonymous, yet documented as needing the key" : "needs the key, yet no security requirement")}");
            }
        }
        failures.Should().BeEmpty();
        documented.Should().BeGreaterThan(100);
    }

    private static bool HasContent(JsonNode? response) => response?["content"] is JsonObject content && content.Count > 0;

    private static bool SchemaHasProperty(JsonObject document, JsonObject schema, string property)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
            schema = document["components"]!["schemas"]![reference.Split('/').Last()]!.AsObject();
        return schema["properties"]?[property] is not null;
    }

    /// <summary>
    /// The document agrees with what the API really answers: for a spread of reads over the seeded workspace, every
    /// property of the live JSON is in the documented 200 schema, with a matching JSON type, to any depth.
    /// </summary>
    [Fact]
    public async Task Live_answers_match_their_documented_schemas()
    {
        var document = await DocumentAsync();
        using var api = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
        string[] reads =
        [
            "/api/v1/me", "/api/v1/users", "/api/v1/sources", "/api/v1/catalog", "/api/v1/templates", "/api/v1/reports",
            "/api/v1/dashboards", "/api/v1/dashboards/demo-performance", "/api/v1/dashboards/demo-performance/data", "/api/v1/widget-kinds",
            "/api/v1/dashboard-templates", "/api/v1/jobs", "/api/v1/alerts", "/api/v1/metrics/definitions", "/api/v1/insights",
            "/api/v1/chat/quota", "/api/v1/me/preferences",
        ];
        var failures = new List<string>();
        foreach (var path in reads)
        {
            var response = await api.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            var template = document["paths"]!.AsObject().Single(p => Matches(p.Key, path)).Key;
            var schema = document["paths"]![template]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!.AsObject();
            Check(document, JsonNode.Parse(await response.Content.ReadAsStringAsync()), schema, path, failures, depth: 0);
        }
        failures.Should().BeEmpty();
    }

    private static bool Matches(string template, string path)
    {
        var t = Trim(template).Split('/');
        var p = path.Split('/');
        return t.Length == p.Length && t.Zip(p).All(x => x.First == x.Second || x.First.StartsWith('{'));
    }

    private static JsonObject Resolve(JsonObject document, JsonObject schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference ? Resolve(document, document["components"]!["schemas"]![reference.Split('/').Last()]!.AsObject()) : schema;

    private static void Check(JsonObject document, JsonNode? value, JsonObject schema, string where, List<string> failures, int depth)
    {
        schema = Resolve(document, schema);
        if (depth > 8) return;
        foreach (var combinator in new[] { "oneOf", "anyOf" })
        {
            if (schema[combinator] is not JsonArray alternatives) continue;
            var attempts = alternatives.Select(a =>
            {
                var found = new List<string>();
                Check(document, value, a!.AsObject(), where, found, depth + 1);
                return found;
            }).ToList();
            if (attempts.All(a => a.Count > 0)) failures.AddRange(attempts.MinBy(a => a.Count)!);
            return;
        }
        var types = schema["type"] switch
        {
            JsonArray list => list.Select(t => t!.GetValue<string>()).ToHashSet(),
            JsonValue one => [one.GetValue<string>()],
            _ => new HashSet<string>(),
        };
        var kind = value switch
        {
            null => "null",
            JsonObject => "object",
            JsonArray => "array",
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => "string",
            JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
            _ => "number",
        };
        var accepted = types.Count == 0 || types.Contains(kind) || kind == "number" && types.Contains("integer")
            || kind == "null" && schema["nullable"]?.GetValue<bool>() == true;
        if (!accepted)
        {
            failures.Add($"{where}: {kind} where the document says {string.Join("|", types)}");
            return;
        }
        if (value is JsonObject obj)
        {
            var properties = schema["properties"]?.AsObject();
            foreach (var (name, child) in obj)
            {
                if (properties?[name] is JsonObject property) Check(document, child, property, $"{where}.{name}", failures, depth + 1);
                else if (schema["additionalProperties"] is JsonObject additional) Check(document, child, additional, $"{where}.{name}", failures, depth + 1);
                else if (properties is not null || schema["additionalProperties"] is not null) failures.Add($"{where}.{name}: not in the document");
            }
        }
        if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            foreach (var (element, i) in array.Take(3).Select((e, i) => (e, i))) Check(document, element, items, $"{where}[{i}]", failures, depth + 1);
        }
    }

    [Fact]
    public async Task The_document_holds_only_the_api_and_names_the_bearer_key()
    {
        var document = await DocumentAsync();
        document["openapi"]!.GetValue<string>().Should().StartWith("3.");
        document["paths"]!.AsObject().Select(p => p.Key).Should().OnlyContain(p => p.StartsWith("/api/v1/", StringComparison.Ordinal) || p == "/api/v1",
            "pages, account forms, cookie downloads and static files are not the API");
        var scheme = document["components"]!["securitySchemes"]!["apiKey"]!;
        scheme["type"]!.GetValue<string>().Should().Be("http");
        scheme["scheme"]!.GetValue<string>().Should().Be("bearer");
        // The public link is the one anonymous operation.
        document["paths"]!["/api/v1/public/dashboards/{token}"]!["get"]!["security"].Should().BeNull();
    }

    [Fact]
    public async Task The_reference_page_is_served_by_the_app_itself_without_sign_in()
    {
        var client = factory.CreateClient(); // follows /api/docs → /api/docs/
        var page = await client.GetAsync("/api/docs");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.Should().Contain("openapi/v1.json", "the page reads the app's own document (Scalar resolves it against the app's base path)");
        // The pages' policy, with the one nonce this response's script tags carry: no 'unsafe-inline' or 'unsafe-eval' for scripts.
        var csp = SecurityHeadersTests.Directives(page);
        csp["default-src"].Should().Be("'self'");
        csp["connect-src"].Should().Be("'self'");
        csp["script-src"].Should().NotContain("unsafe-inline").And.NotContain("unsafe-eval");
        var nonces = System.Text.RegularExpressions.Regex.Matches(html, @"<script[^>]*\bnonce=""([^""]+)""").Select(m => m.Groups[1].Value).Distinct().ToList();
        nonces.Should().ContainSingle();
        csp["script-src"].Split(' ').Should().Contain($"'nonce-{nonces[0]}'");
        page.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, @"<script[^>]*\bsrc=""([^""]+)""").Select(m => m.Groups[1].Value).ToList();
        scripts.Should().NotBeEmpty().And.OnlyContain(s => !s.Contains("//"), "the script comes from the app, not a CDN: CI and installs have no internet");
        foreach (var script in scripts)
        {
            var js = await client.GetAsync(new Uri(page.RequestMessage!.RequestUri!, script));
            js.StatusCode.Should().Be(HttpStatusCode.OK, script);
        }
    }
}
