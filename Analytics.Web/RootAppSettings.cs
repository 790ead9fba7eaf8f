using Microsoft.Extensions.FileProviders;

namespace Analytics.Web;

public static class RootAppSettings
{
    /// <summary>
    /// The app's settings live in the repository root's <c>appsettings.json</c> (and <c>appsettings.{Environment}.json</c>),
    /// which the build copies next to the binaries. They are inserted first, so environment variables
    /// (<c>Analytics__Database__Provider</c>) and command-line arguments still override them.
    /// </summary>
    public static IConfigurationBuilder AddRootAppSettings(this IConfigurationManager configuration, IHostEnvironment environment)
    {
        var provider = new PhysicalFileProvider(AppContext.BaseDirectory);
        var sources = ((IConfigurationBuilder)configuration).Sources;
        sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            FileProvider = provider, Path = "appsettings.json", Optional = true, ReloadOnChange = false,
        });
        sources.Insert(1, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            FileProvider = provider, Path = $"appsettings.{environment.EnvironmentName}.json", Optional = true, ReloadOnChange = false,
        });
        return configuration;
    }
}
