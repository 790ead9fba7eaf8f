using Analytics.Domain.Dashboards;
using Analytics.Domain.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

internal sealed class DashboardSubscriptionConfiguration : IEntityTypeConfiguration<DashboardSubscription>
{
    public void Configure(EntityTypeBuilder<DashboardSubscription> b)
    {
        b.ToTable("DashboardSubscriptions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(64);
        b.Property(s => s.DashboardId).HasMaxLength(64);
        b.Property(s => s.OwnerId).HasMaxLength(64);
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Format).HasMaxLength(10);
        b.Property(s => s.Preset).HasMaxLength(40);
        b.Property(s => s.Schedule).HasJsonConversion();
        b.Property(s => s.Recipients).HasJsonConversion();
        b.Property(s => s.Filters).HasJsonConversion();
        b.HasOne<Dashboard>().WithMany().HasForeignKey(s => s.DashboardId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.OwnerId);
        b.HasIndex(s => new { s.Enabled, s.NextRunAt });
    }
}

internal sealed class SubscriptionRunConfiguration : IEntityTypeConfiguration<SubscriptionRun>
{
    public void Configure(EntityTypeBuilder<SubscriptionRun> b)
    {
        b.ToTable("SubscriptionRuns");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasMaxLength(64);
        b.Property(r => r.SubscriptionId).HasMaxLength(64);
        b.Property(r => r.Trigger).HasMaxLength(20);
        b.Property(r => r.RequestedBy).HasMaxLength(64);
        b.Property(r => r.Outcome).HasMaxLength(20);
        b.Property(r => r.Error).HasMaxLength(4000);
        b.Property(r => r.FileName).HasMaxLength(300);
        b.Property(r => r.ContentType).HasMaxLength(200);
        b.Property(r => r.FileNote).HasMaxLength(500);
        b.HasOne<DashboardSubscription>().WithMany().HasForeignKey(r => r.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        // One run per schedule slot: two passes (or two processes) racing for the same slot cannot both send.
        b.Property(r => r.Slot).HasMaxLength(100);
        b.HasIndex(r => new { r.SubscriptionId, r.Slot }).IsUnique();
        b.HasIndex(r => new { r.SubscriptionId, r.StartedAt });
        b.HasIndex(r => r.Outcome);
    }
}
