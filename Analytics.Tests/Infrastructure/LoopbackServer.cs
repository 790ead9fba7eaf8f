using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// The base of the HTTP fakes (<see cref="FakeAmcServer"/>, <see cref="FakeOpenAiServer"/>, <see cref="FakeOtlpCollector"/>,
/// <see cref="FakeWebhookServer"/>): a slim Kestrel host on a free port of 127.0.0.1, no log output, stopped on dispose.
/// A fake maps its endpoints in <see cref="Map"/> (and may add services in <see cref="ConfigureServices"/>), and its static
/// <c>StartAsync</c> calls <see cref="ListenAsync"/>.
/// </summary>
public abstract class LoopbackServer : IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Where it listens once started: <c>http://127.0.0.1:PORT/</c>.</summary>
    protected Uri Address { get; private set; } = null!;

    /// <summary>The fake's endpoints (or one <c>app.Run</c> handler for every request).</summary>
    protected abstract void Map(WebApplication app);

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected async Task ListenAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        ConfigureServices(builder.Services);
        _app = builder.Build();
        Map(_app);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
