using Analytics.Domain.Collections;
using Analytics.Domain.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

internal sealed class DataCollectionConfiguration : IEntityTypeConfiguration<DataCollection>
{
    public void Configure(EntityTypeBuilder<DataCollection> b)
    {
        b.ToTable("DataCollections");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(64);
        b.Property(c => c.ReportId).HasMaxLength(64);
        b.Property(c => c.SourceId).HasMaxLength(64);
        b.Property(c => c.Granularity).HasMaxLength(10);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Error).HasMaxLength(2000);
        b.Property(c => c.OwnerId).HasMaxLength(64);
        b.Property(c => c.RunnerId).HasMaxLength(100).IsConcurrencyToken();
        b.HasOne<Report>().WithMany().HasForeignKey(c => c.ReportId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Segments).WithOne().HasForeignKey(s => s.CollectionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.Status);
        b.HasIndex(c => c.SourceId);
    }
}

internal sealed class CollectionSegmentConfiguration : IEntityTypeConfiguration<CollectionSegment>
{
    public void Configure(EntityTypeBuilder<CollectionSegment> b)
    {
        b.ToTable("CollectionSegments");
        b.HasKey(s => s.Id);
        b.Property(s => s.CollectionId).HasMaxLength(64);
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Error).HasMaxLength(2000);
        b.Property(s => s.ExecutionId).HasMaxLength(64);
        b.HasIndex(s => new { s.CollectionId, s.Index }).IsUnique();
    }
}
