using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Sqlite
{
    /// <summary>
    /// Day projections now keep each fact's stored time instead of its UTC day (so they answer any time zone). For
    /// facts stored at UTC midnight — daily data, the usual case — the rows are the same. A dataset with facts at other
    /// times loses its day projections (queries read its rollups and raw facts, correctly) until its rollups are
    /// rebuilt, which chooses and fills projections again.
    /// </summary>
    public partial class DayProjectionsKeepFactTimes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DELETE FROM fact_projection_rows WHERE dataset_id IN (SELECT DISTINCT dataset_id FROM facts WHERE ts % 86400 <> 0);");
            migrationBuilder.Sql("DELETE FROM fact_projections WHERE grain = 'day' AND dataset_id IN (SELECT DISTINCT dataset_id FROM facts WHERE ts % 86400 <> 0);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
