using Analytics.Domain.Facts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Analytics.Data.Configurations;

internal sealed class FactRollupConfiguration : IEntityTypeConfiguration<FactRollup>
{
    public void Configure(EntityTypeBuilder<FactRollup> b)
    {
        b.ToTable("FactRollups");
        // Range scans by (dataset, grain, time) are the only access path.
        b.HasKey(r => new { r.DatasetId, r.Grain, r.Ts, r.DimHash });
        b.Property(r => r.Grain).HasMaxLength(8);
        b.HasOne<Dataset>().WithMany().HasForeignKey(r => r.DatasetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FactProjectionConfiguration : IEntityTypeConfiguration<FactProjection>
{
    public void Configure(EntityTypeBuilder<FactProjection> b)
    {
        b.ToTable("FactProjections");
        b.HasKey(p => new { p.DatasetId, p.Grain, p.Dimensions });
        b.Property(p => p.Grain).HasMaxLength(8);
        b.HasOne<Dataset>().WithMany().HasForeignKey(p => p.DatasetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FactProjectionRowConfiguration : IEntityTypeConfiguration<FactProjectionRow>
{
    public void Configure(EntityTypeBuilder<FactProjectionRow> b)
    {
        b.ToTable("FactProjectionRows");
        // Range scans by (dataset, projection, day); on SQLite the table is WITHOUT ROWID (see the FactProjections
        // migration), so a scan reads the rows in key order instead of looking each one up by rowid.
        b.HasKey(r => new { r.DatasetId, r.Projection, r.Ts, r.DimHash });
        b.HasOne<Dataset>().WithMany().HasForeignKey(r => r.DatasetId).OnDelete(DeleteBehavior.Cascade);
    }
}
