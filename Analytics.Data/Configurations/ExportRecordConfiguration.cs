using Analytics.Domain.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

/// <summary>
/// The export history (<c>export_records</c>). No foreign keys on purpose: a record outlives the dashboard, the
/// subscription and the run it names (it keeps the names it had), until retention deletes it.
/// </summary>
internal sealed class ExportRecordConfiguration : IEntityTypeConfiguration<ExportRecord>
{
    public void Configure(EntityTypeBuilder<ExportRecord> b)
    {
        b.ToTable("ExportRecords");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasMaxLength(64);
        b.Property(r => r.UserId).HasMaxLength(64);
        b.Property(r => r.DashboardId).HasMaxLength(64);
        b.Property(r => r.DashboardName).HasMaxLength(200);
        b.Property(r => r.WidgetId).HasMaxLength(64);
        b.Property(r => r.WidgetTitle).HasMaxLength(200);
        b.Property(r => r.Format).HasMaxLength(10);
        b.Property(r => r.Trigger).HasMaxLength(20);
        b.Property(r => r.SubscriptionId).HasMaxLength(64);
        b.Property(r => r.SubscriptionName).HasMaxLength(200);
        b.Property(r => r.SubscriptionRunId).HasMaxLength(64);
        b.Property(r => r.RedownloadOf).HasMaxLength(64);
        b.Property(r => r.Parameters).HasJsonConversion();
        b.Property(r => r.FileName).HasMaxLength(300);
        b.Property(r => r.ContentType).HasMaxLength(200);
        b.Property(r => r.Outcome).HasMaxLength(20);
        b.Property(r => r.Error).HasMaxLength(4000);
        // Newest first per user (ids are time-ordered UUIDv7), the admin's list, and retention by age.
        b.HasIndex(r => new { r.UserId, r.Id });
        b.HasIndex(r => r.CreatedAt);
        b.HasIndex(r => r.SubscriptionRunId);
    }
}
