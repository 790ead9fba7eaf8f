using System.Reflection;
using Analytics.Data;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// Base of a provider test suite: tests live in an abstract subclass with <see cref="ProviderFactAttribute"/>; each
/// concrete class names its provider once, with <see cref="DatabaseProviderAttribute"/>.
/// </summary>
public abstract class ProviderTests
{
    protected DatabaseProvider Provider => GetType().GetCustomAttribute<DatabaseProviderAttribute>()?.Provider
        ?? throw new InvalidOperationException($"{GetType().Name} needs [DatabaseProvider(...)] to say which database it tests.");

    protected Task<AnalyticsTestHost> CreateHostAsync(bool seedDemo = false, IDictionary<string, string?>? settings = null) =>
        AnalyticsTestHost.CreateAsync(Provider, seedDemo, settings);
}
