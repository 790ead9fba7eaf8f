using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Analytics.Data;

/// <summary>Stores a <see cref="DateTimeOffset"/> as UTC ticks (an orderable integer) and reads it back as UTC.</summary>
public sealed class DateTimeOffsetToUtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));
