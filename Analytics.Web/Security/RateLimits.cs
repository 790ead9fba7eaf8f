using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Analytics.Data.Identity;
using Analytics.Data.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Security;

/// <summary>
/// The HTTP rate limits (ASP.NET Core's rate limiting middleware), one fixed window per partition, from
/// <c>Analytics:RateLimits</c>: sign-in form posts per client address, <c>/api/v1</c> per API key (per client address
/// without one), public dashboard links per client address. The per-account sign-in limit needs the posted e-mail, so
/// it lives in <see cref="Auth.SignInGuard"/>; the per-user "run now" limit in the subscription service. Past a limit:
/// 429 with <c>Retry-After</c> (problem+json on the API, the sign-in page saying when to try again for the form).
/// </summary>
public static class RateLimits
{
    public const string SignInPolicy = "signin";
    public const string ApiPolicy = "api";
    public const string PublicPolicy = "public";

    public static IServiceCollection AddAnalyticsRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = OnRejectedAsync;
        });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, limits) =>
        {
            var rules = limits.Value;
            o.AddPolicy(SignInPolicy, http => Partition(rules.SignInPerIp, "ip:" + ClientAddress(http)));
            o.AddPolicy(ApiPolicy, http => Partition(rules.Api, ApiCaller(http)));
            o.AddPolicy(PublicPolicy, http => Partition(rules.Public, "ip:" + ClientAddress(http)));
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(RateLimitRule rule, string key) =>
        rule.Unlimited ? RateLimitPartition.GetNoLimiter(key) : RateLimitPartition.GetFixedWindowLimiter(key, _ => rule.ToFixedWindow());

    /// <summary>The key's id for API keys, the bootstrap key as one caller, and the client address for everyone else.</summary>
    private static string ApiCaller(HttpContext http)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            if (user.FindFirstValue(AnalyticsClaims.ApiKeyId) is { } keyId) return "key:" + keyId;
            if (user.FindFirstValue(AnalyticsClaims.AuthMethod) == AnalyticsClaims.Bootstrap) return "bootstrap";
            if (user.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId) return "user:" + userId;
        }
        return "ip:" + ClientAddress(http);
    }

    /// <summary>The client's address as the connection (after trusted forwarded headers) reports it.</summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
        var seconds = Seconds(retryAfter);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        if (policy == SignInPolicy)
        {
            await Api.AccountEndpoints.SignInPage(http, StatusCodes.Status429TooManyRequests, Auth.AccountMessages.TooManyAttempts(seconds)).ExecuteAsync(http);
            return;
        }
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            await Problems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
                $"Too many requests from this {(policy == ApiPolicy && http.User.Identity?.IsAuthenticated == true ? "API key" : "client")}; try again in {seconds} s.");
            return;
        }
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync($"Too many requests from this client; try again in {seconds} s.", ct);
    }
}
