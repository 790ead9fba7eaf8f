using Analytics.Data;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// Marks the concrete class of a provider test suite: the suite's tests are written once in an abstract base class
/// with <see cref="ProviderFactAttribute"/> and run once per concrete subclass, against that subclass's provider.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DatabaseProviderAttribute(DatabaseProvider provider) : Attribute
{
    public DatabaseProvider Provider { get; } = provider;
}

/// <summary>
/// A fact in a provider test suite. In a class marked <c>[DatabaseProvider(DatabaseProvider.Postgres)]</c> it skips
/// exactly as <see cref="PostgresFactAttribute"/> does; attributes cannot vary per subclass, so the discoverer decides.
/// </summary>
[XunitTestCaseDiscoverer("Analytics.Tests.Infrastructure.ProviderFactDiscoverer", "Analytics.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProviderFactAttribute : FactAttribute;

public sealed class ProviderFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var providerAttribute = testMethod.TestClass.Class.GetCustomAttributes(typeof(DatabaseProviderAttribute).AssemblyQualifiedName!).FirstOrDefault();
        var provider = providerAttribute?.GetConstructorArguments().OfType<DatabaseProvider>().FirstOrDefault();
        var skip = provider == DatabaseProvider.Postgres ? TestEnvironment.PostgresSkipReason : null;
        yield return skip is null
            ? new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)
            : new SkippedTestCase(diagnosticMessageSink, display, displayOptions, testMethod, skip);
    }
}

/// <summary>A test case skipped for a reason decided at discovery (serializable, so runners can round-trip it).</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedTestCase() { }

    public SkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method, string reason)
        : base(sink, display, options, method) => _reason = reason;

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("SkipReason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("SkipReason");
        base.Deserialize(data);
    }
}
