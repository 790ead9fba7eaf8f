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
