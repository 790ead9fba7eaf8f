using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FactProjections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written (EF cannot say WITHOUT ROWID): the rows are stored in key order, so a planner read of
            // (dataset, projection, day range) is one range scan instead of an index scan plus a rowid lookup per row
            // (measured: half the time for a year of a 137-campaign projection).
            migrationBuilder.Sql("""
                CREATE TABLE "fact_projection_rows" (
                    "dataset_id" INTEGER NOT NULL,
                    "projection" INTEGER NOT NULL,
                    "ts" INTEGER NOT NULL,
                    "dim_hash" INTEGER NOT NULL,
                    "d1" TEXT NULL,
                    "d2" TEXT NULL,
                    "d3" TEXT NULL,
                    "d4" TEXT NULL,
                    "d5" TEXT NULL,
                    "d6" TEXT NULL,
                    "m1" REAL NULL,
                    "m2" REAL NULL,
                    "m3" REAL NULL,
                    "m4" REAL NULL,
                    "m5" REAL NULL,
                    "m6" REAL NULL,
                    "m7" REAL NULL,
                    "m8" REAL NULL,
                    "m9" REAL NULL,
                    "m10" REAL NULL,
                    CONSTRAINT "pk_fact_projection_rows" PRIMARY KEY ("dataset_id", "projection", "ts", "dim_hash"),
                    CONSTRAINT "fk_fact_projection_rows_datasets_dataset_id" FOREIGN KEY ("dataset_id") REFERENCES "datasets" ("id") ON DELETE CASCADE
                ) WITHOUT ROWID;
                """);

            migrationBuilder.CreateTable(
                name: "fact_projections",
                columns: table => new
                {
                    dataset_id = table.Column<int>(type: "INTEGER", nullable: false),
                    grain = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    dimensions = table.Column<int>(type: "INTEGER", nullable: false),
                    row_count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fact_projections", x => new { x.dataset_id, x.grain, x.dimensions });
                    table.ForeignKey(
                        name: "fk_fact_projections_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Row counts of the rollups that already exist (the planner's cost estimate); projections of existing
            // facts are built by FactStore.RebuildRollupsAsync, or by the next bulk seed of a dataset.
            migrationBuilder.Sql("INSERT INTO fact_projections (dataset_id, grain, dimensions, row_count) SELECT dataset_id, grain, -1, COUNT(*) FROM fact_rollups GROUP BY dataset_id, grain;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "fact_projection_rows");

            migrationBuilder.DropTable(
                name: "fact_projections");
        }
    }
}
