using Analytics.Domain.Demo;
using Analytics.Domain.Facts;
using Analytics.Domain.Metrics;
using Analytics.Domain.Operational;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

internal sealed class DataSourceConfiguration : IEntityTypeConfiguration<DataSource>
{
    public void Configure(EntityTypeBuilder<DataSource> b)
    {
        b.ToTable("Sources");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(64);
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.OwnerId).HasMaxLength(64);
        b.HasIndex(s => s.Name);
    }
}

internal sealed class ReportTemplateConfiguration : IEntityTypeConfiguration<ReportTemplate>
{
    public void Configure(EntityTypeBuilder<ReportTemplate> b)
    {
        b.ToTable("Templates");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).HasMaxLength(64);
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.Category).HasMaxLength(100);
        b.Property(t => t.ReportType).HasMaxLength(100);
        b.Property(t => t.Description).HasMaxLength(2000);
        b.Property(t => t.SourceKindsJson).HasMaxLength(200);
        b.Property(t => t.OwnerId).HasMaxLength(64);
        b.Property(t => t.Version).HasDefaultValue(1);
        b.HasIndex(t => t.Name);
    }
}

internal sealed class ReportTemplateVersionConfiguration : IEntityTypeConfiguration<ReportTemplateVersion>
{
    public void Configure(EntityTypeBuilder<ReportTemplateVersion> b)
    {
        b.ToTable("TemplateVersions");
        b.HasKey(v => new { v.TemplateId, v.Version });
        b.Property(v => v.TemplateId).HasMaxLength(64);
        b.Property(v => v.SourceKindsJson).HasMaxLength(200);
        b.Property(v => v.CreatedBy).HasMaxLength(64);
        b.HasOne<ReportTemplate>().WithMany().HasForeignKey(v => v.TemplateId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReportConfiguration : IEntityTypeConfiguration<Report>
{
    public void Configure(EntityTypeBuilder<Report> b)
    {
        b.ToTable("Reports");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasMaxLength(64);
        b.Property(r => r.Name).HasMaxLength(200);
        b.Property(r => r.OwnerId).HasMaxLength(64);
        b.Property(r => r.TemplateVersion).HasDefaultValue(1);
        b.HasOne<ReportTemplate>().WithMany().HasForeignKey(r => r.TemplateId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<DataSource>().WithMany().HasForeignKey(r => r.SourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Dataset>().WithMany().HasForeignKey(r => r.DatasetId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(r => r.OwnerId);
        b.HasIndex(r => r.SourceId);
    }
}

internal sealed class ExecutionConfiguration : IEntityTypeConfiguration<Execution>
{
    public void Configure(EntityTypeBuilder<Execution> b)
    {
        b.ToTable("Executions");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(64);
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(e => e.RequestedBy).HasMaxLength(64);
        b.Property(e => e.Message).HasMaxLength(2000);
        b.Property(e => e.Checksum).HasMaxLength(64);
        b.Property(e => e.CollectionId).HasMaxLength(64);
        b.Property(e => e.Trigger).HasMaxLength(20);
        b.Property(e => e.RemoteExecutionId).HasMaxLength(200);
        b.Property(e => e.RunnerId).HasMaxLength(100).IsConcurrencyToken();
        b.HasOne<Report>().WithMany().HasForeignKey(e => e.ReportId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.ReportId, e.CreatedAt });
        b.HasIndex(e => e.Status);
        b.HasIndex(e => new { e.RequestedBy, e.Status });
    }
}

internal sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> b)
    {
        b.ToTable("Datasets");
        b.HasKey(d => d.Id);
        b.Property(d => d.Key).HasMaxLength(100);
        b.Property(d => d.Name).HasMaxLength(200);
        b.Property(d => d.Grain).HasMaxLength(20);
        b.Property(d => d.Dimensions).HasJsonConversion();
        b.Property(d => d.Measures).HasJsonConversion();
        b.HasOne<DataSource>().WithMany().HasForeignKey(d => d.SourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => new { d.SourceId, d.Key }).IsUnique();
    }
}

internal sealed class FactConfiguration : IEntityTypeConfiguration<Fact>
{
    public void Configure(EntityTypeBuilder<Fact> b)
    {
        b.ToTable("Facts");
        // The upsert key: one row per (dataset, time bucket, dimension values).
        b.HasKey(f => new { f.DatasetId, f.Ts, f.DimHash });
        b.HasOne<Dataset>().WithMany().HasForeignKey(f => f.DatasetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MetricDefinitionConfiguration : IEntityTypeConfiguration<MetricDefinition>
{
    public void Configure(EntityTypeBuilder<MetricDefinition> b)
    {
        b.ToTable("MetricDefinitions");
        b.HasKey(m => m.Name);
        b.Property(m => m.Name).HasMaxLength(64);
        b.Property(m => m.Label).HasMaxLength(200);
        b.Property(m => m.Formula).HasMaxLength(500);
        b.Property(m => m.Format).HasMaxLength(20);
        b.Property(m => m.Unit).HasMaxLength(20);
        b.Property(m => m.OwnerId).HasMaxLength(64);
    }
}

internal sealed class MetricSeriesConfiguration : IEntityTypeConfiguration<MetricSeries>
{
    public void Configure(EntityTypeBuilder<MetricSeries> b)
    {
        b.ToTable("MetricSeries");
        b.HasKey(s => s.Id);
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.TagsKey).HasMaxLength(2000);
        b.HasIndex(s => new { s.Name, s.TagsKey }).IsUnique();
    }
}

internal sealed class MetricPointConfiguration : IEntityTypeConfiguration<MetricPoint>
{
    public void Configure(EntityTypeBuilder<MetricPoint> b)
    {
        b.ToTable("MetricPoints");
        b.HasKey(p => new { p.SeriesId, p.Ts });
        b.HasOne<MetricSeries>().WithMany().HasForeignKey(p => p.SeriesId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SeededAnomalyConfiguration : IEntityTypeConfiguration<SeededAnomaly>
{
    public void Configure(EntityTypeBuilder<SeededAnomaly> b)
    {
        b.ToTable("SeededAnomalies");
        b.HasKey(a => a.Id);
        b.Property(a => a.Campaign).HasMaxLength(200);
        b.Property(a => a.Metric).HasMaxLength(64);
        b.HasOne<Dataset>().WithMany().HasForeignKey(a => a.DatasetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InstanceGateConfiguration : IEntityTypeConfiguration<InstanceGate>
{
    public void Configure(EntityTypeBuilder<InstanceGate> b)
    {
        b.ToTable("InstanceGates");
        b.HasKey(g => g.SourceId);
        b.Property(g => g.SourceId).HasMaxLength(64);
        b.HasOne<DataSource>().WithMany().HasForeignKey(g => g.SourceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InstanceSlotConfiguration : IEntityTypeConfiguration<InstanceSlot>
{
    public void Configure(EntityTypeBuilder<InstanceSlot> b)
    {
        b.ToTable("InstanceSlots");
        b.HasKey(s => new { s.SourceId, s.Slot });
        b.Property(s => s.SourceId).HasMaxLength(64);
        b.Property(s => s.ExecutionId).HasMaxLength(64);
        b.HasOne<DataSource>().WithMany().HasForeignKey(s => s.SourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.ExecutionId);
    }
}

internal sealed class RemoteExecutionClaimConfiguration : IEntityTypeConfiguration<RemoteExecutionClaim>
{
    public void Configure(EntityTypeBuilder<RemoteExecutionClaim> b)
    {
        b.ToTable("RemoteExecutionClaims");
        b.HasKey(c => new { c.SourceId, c.RemoteExecutionId });
        b.Property(c => c.SourceId).HasMaxLength(64);
        b.Property(c => c.RemoteExecutionId).HasMaxLength(200);
        b.Property(c => c.ExecutionId).HasMaxLength(64);
        b.HasOne<DataSource>().WithMany().HasForeignKey(c => c.SourceId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.ExecutionId);
    }
}
