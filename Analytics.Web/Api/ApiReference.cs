using Analytics.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Analytics.Web.Api;

/// <summary>
/// The API's own reference: <c>GET /openapi/v1.json</c> (ASP.NET Core's OpenAPI generator, every <c>/api/v1</c> endpoint and
/// nothing else) and <c>GET /api/docs</c> (Scalar's page over that document; its script is served from the package, no
/// CDN, no web fonts, no telemetry; the page runs under the pages' Content-Security-Policy with a per-request script nonce). Both are open without sign-in: they describe the API, not data; the API itself takes a
/// key. Each endpoint names its summary and success response where it is mapped; the problem responses every endpoint shares
/// come from <see cref="WithProblemResponses{TBuilder}"/>, by one rule.
/// </summary>
public static class ApiReference
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string DocsPath = "/api/docs";
    public const string SecuritySchemeName = "apiKey";
    private const string ApiPrefix = "api/v1";

    public static IServiceCollection AddApiReference(this IServiceCollection services)
    {
        services.AddOpenApi("v1", o =>
        {
            // Only the API: not the pages, the account forms, the cookie downloads or static files.
            o.ShouldInclude = d => d.RelativePath is { } path && (path == ApiPrefix || path.StartsWith(ApiPrefix + "/", StringComparison.Ordinal));
            // Anonymous response objects ({ items }, …) are described where they are used, not under compiler-made names.
            o.CreateSchemaReferenceId = type => type.Type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false)
                ? null
                : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Analytics API",
                    Version = "v1",
                    Description = "Everything an analyst can do in the UI, over HTTP. Send `Authorization: Bearer <api key>` (keys are made under " +
                        "Account → API keys, or the bootstrap key of `Analytics:Auth:BootstrapApiKey`). JSON is camelCase, times are ISO 8601, " +
                        "ids are strings. Errors are RFC 7807 problem+json; a 400 carries `errors` keyed by field. Lists are paged with " +
                        "`?limit=&cursor=` and answer `{ items, nextCursor }`. A 404 means missing *or not visible to you*.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API key as a bearer token: `Authorization: Bearer <api key>`. The sign-in cookie is not accepted on /api/v1.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                // The problem responses say what they mean here, not just the status's name.
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    if (ProblemDescriptions.TryGetValue(status, out var description) && response is OpenApiResponse concrete) concrete.Description = description;
                }
                // Every operation but the anonymous ones (the public dashboard link) takes the key.
                if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document!)] = [] }];
                return Task.CompletedTask;
            });
        });
        return services;
    }

    private static readonly Dictionary<string, string> ProblemDescriptions = new()
    {
        ["400"] = "Bad input: `errors` names each field that was wrong and why. Nothing was changed.",
        ["401"] = "No API key, or the key is unknown, expired or revoked, or its user is disabled.",
        ["403"] = "The caller's role or grants do not allow this.",
        ["404"] = "Not found, or not visible to the caller.",
        ["409"] = "Conflicts with the current state (the detail says which and what to do).",
        ["413"] = "The body is larger than the configured limit.",
        ["415"] = "The body is not of the content type this endpoint takes.",
        ["429"] = "Rate limited: try again after `Retry-After` seconds.",
    };

    /// <summary>The document and the page, anonymous, under the public links' per-client rate limit (they cost a little to render).</summary>
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous().RequireRateLimiting(RateLimits.PublicPolicy);
        app.MapScalarApiReference(DocsPath, o => o
                .WithTitle("Analytics API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddDocument("v1", "Analytics API v1")
                .WithNonce() // a fresh nonce per request on its script tags; SecurityHeaders allows exactly that one
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                // Scalar shows its developer toolbar ("Deploy .NET", "Generate SDK": links to its hosted services) on
                // localhost by default; this is the app's own reference, so never.
                .HideDeveloperTools())
            .AllowAnonymous().RequireRateLimiting(RateLimits.PublicPolicy);
        return app;
    }

    /// <summary>
    /// Declares the problem+json answers an endpoint can give, by one rule, unless the endpoint declares that status itself:
    /// 400 (with <c>errors</c> by field) when it takes a body or query parameters; 401 and 403 unless it is anonymous;
    /// 404 when its route names something (missing, or not visible to the caller); 429 when it is rate limited.
    /// Statuses only some endpoints give (409, 413, 415) are declared on those endpoints with <c>ProducesProblem</c>.
    /// </summary>
    public static TBuilder WithProblemResponses<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            var metadata = endpoint.Metadata;
            var declared = metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).ToHashSet();
            void Add(int status, bool validation = false)
            {
                if (declared.Contains(status)) return;
                metadata.Add(new ProducesResponseTypeMetadata(status, validation ? typeof(HttpValidationProblemDetails) : typeof(Microsoft.AspNetCore.Mvc.ProblemDetails),
                    ["application/problem+json"]));
            }
            var anonymous = metadata.OfType<IAllowAnonymous>().Any();
            var route = (endpoint as RouteEndpointBuilder)?.RoutePattern;
            if (TakesInput(endpoint, route))
                Add(StatusCodes.Status400BadRequest, validation: true);
            if (!anonymous)
            {
                Add(StatusCodes.Status401Unauthorized);
                Add(StatusCodes.Status403Forbidden);
            }
            if (route?.Parameters.Count > 0)
                Add(StatusCodes.Status404NotFound);
            if (metadata.OfType<EnableRateLimitingAttribute>().Any())
                Add(StatusCodes.Status429TooManyRequests);
        });
        return builder;
    }

    /// <summary>A JSON (or other) body, or a parameter bound from the query string: input that can be refused.</summary>
    private static bool TakesInput(EndpointBuilder endpoint, Microsoft.AspNetCore.Routing.Patterns.RoutePattern? route)
    {
        if (endpoint.Metadata.OfType<IAcceptsMetadata>().Any()) return true;
        if (endpoint.Metadata.OfType<System.Reflection.MethodInfo>().LastOrDefault() is not { } method) return false;
        return method.GetParameters().Any(p => IsQueryValue(p.ParameterType) && route?.GetParameter(p.Name ?? "") is null);
    }

    private static bool IsQueryValue(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTimeOffset)
            || type == typeof(DateTime) || type == typeof(Guid) || type.IsArray && IsQueryValue(type.GetElementType()!);
    }
}
