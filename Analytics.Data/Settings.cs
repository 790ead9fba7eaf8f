using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Analytics.Data;

/// <summary>
/// Typed settings: bound from their configuration section and checked when the app starts, so a bad value stops it with a
/// message naming the setting by its full key (<c>Analytics:Query:CacheSeconds: The field CacheSeconds must be between 1
/// and 86400.</c>) rather than failing later, or being ignored.
/// </summary>
public static class Settings
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it at start: its data annotations (and
    /// <see cref="IValidatableObject"/>), those of its nested settings objects, and whatever the caller chains with
    /// <c>Validate(…)</c> — whose messages should name the setting too.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section) where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new SettingsValidator<T>(section));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }
}

/// <summary>Data annotations of a settings object and of the settings objects it holds, each error prefixed with the setting's key.</summary>
internal sealed class SettingsValidator<T>(string section) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var errors = new List<string>();
        Collect(options, section, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Collect(object value, string key, List<string> errors)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.ToList();
            if (members.Count == 0) errors.Add($"{key}: {result.ErrorMessage}");
            foreach (var member in members) errors.Add($"{key}:{member}: {result.ErrorMessage}");
        }
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.SetMethod is null || !IsSettingsObject(property.PropertyType)) continue;
            if (property.GetValue(value) is { } nested) Collect(nested, $"{key}:{property.Name}", errors);
        }
    }

    /// <summary>A class of this app's own (a nested section such as <c>Analytics:Metrics:Retention</c>), not a string or a collection.</summary>
    private static bool IsSettingsObject(Type type) =>
        type.IsClass && type.Namespace?.StartsWith("Analytics.", StringComparison.Ordinal) == true;
}
