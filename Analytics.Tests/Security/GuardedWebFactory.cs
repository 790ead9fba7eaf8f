using System.Net;
using Analytics.Tests.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Security;

/// <summary>
/// The app with small rate limits (each test partitions by its own client address or key, so tests do not share
/// windows), the default recipient domains (the users' own), and the client address taken from a test header — the
/// test server has no remote address of its own. The header is honoured only here, by a startup filter of this
/// factory; the app itself knows nothing of it.
/// </summary>
public sealed class GuardedWebFactory : AnalyticsWebFactory
{
    public const string ClientAddressHeader = "X-Test-Client-Address";
    public const int SignInPerIp = 6;
    public const int SignInPerAccount = 3;
    public const int ApiPerKey = 20;
    public const int PublicPerClient = 3;
    public const int RunNowPerUser = 2;
    public const int WindowSeconds = 300;

    private static int _addresses;

    /// <summary>A client address no other test uses.</summary>
    public static string NewClientAddress()
    {
        var n = Interlocked.Increment(ref _addresses);
        return $"10.{n / 65536 % 256}.{n / 256 % 256}.{n % 256}";
    }

    protected override string[] AllowedRecipientDomains => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        Limit(builder, "SignInPerIp", SignInPerIp);
        Limit(builder, "SignInPerAccount", SignInPerAccount);
        Limit(builder, "Api", ApiPerKey);
        Limit(builder, "Public", PublicPerClient);
        Limit(builder, "SubscriptionRunNow", RunNowPerUser);
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, ClientAddressFromHeader>());
    }

    private static void Limit(IWebHostBuilder builder, string rule, int permits)
    {
        builder.UseSetting($"Analytics:RateLimits:{rule}:PermitLimit", permits.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting($"Analytics:RateLimits:{rule}:WindowSeconds", WindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientAddressHeader].ToString(), out var address))
                    context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>The tests that share one <see cref="GuardedWebFactory"/> (one app start): sign-in, rate limits, recipient domains.</summary>
[CollectionDefinition(Name)]
public sealed class GuardedCollection : ICollectionFixture<GuardedWebFactory>
{
    public const string Name = "guarded app";
}
