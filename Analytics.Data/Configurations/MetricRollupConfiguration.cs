using Analytics.Domain.Operational;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

/// <summary>
/// <c>metric_rollups</c>: one row per (series, resolution, bucket). The key's order serves both the incremental
/// recompute (one series, a few buckets) and the query planner (a set of series, one resolution, a time range).
/// </summary>
internal sealed class MetricRollupConfiguration : IEntityTypeConfiguration<MetricRollup>
{
    public void Configure(EntityTypeBuilder<MetricRollup> b)
    {
        b.ToTable("MetricRollups");
        b.HasKey(r => new { r.SeriesId, r.Resolution, r.BucketTs });
        b.Property(r => r.Resolution).HasConversion<long>();
        b.HasOne<MetricSeries>().WithMany().HasForeignKey(r => r.SeriesId).OnDelete(DeleteBehavior.Cascade);
    }
}
