using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FactProjections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "fact_projection_rows",
                columns: table => new
                {
                    dataset_id = table.Column<int>(type: "integer", nullable: false),
                    projection = table.Column<int>(type: "integer", nullable: false),
                    ts = table.Column<long>(type: "bigint", nullable: false),
                    dim_hash = table.Column<long>(type: "bigint", nullable: false),
                    d1 = table.Column<string>(type: "text", nullable: true),
                    d2 = table.Column<string>(type: "text", nullable: true),
                    d3 = table.Column<string>(type: "text", nullable: true),
                    d4 = table.Column<string>(type: "text", nullable: true),
                    d5 = table.Column<string>(type: "text", nullable: true),
                    d6 = table.Column<string>(type: "text", nullable: true),
                    m1 = table.Column<double>(type: "double precision", nullable: true),
                    m2 = table.Column<double>(type: "double precision", nullable: true),
                    m3 = table.Column<double>(type: "double precision", nullable: true),
                    m4 = table.Column<double>(type: "double precision", nullable: true),
                    m5 = table.Column<double>(type: "double precision", nullable: true),
                    m6 = table.Column<double>(type: "double precision", nullable: true),
                    m7 = table.Column<double>(type: "double precision", nullable: true),
                    m8 = table.Column<double>(type: "double precision", nullable: true),
                    m9 = table.Column<double>(type: "double precision", nullable: true),
                    m10 = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fact_projection_rows", x => new { x.dataset_id, x.projection, x.ts, x.dim_hash });
                    table.ForeignKey(
                        name: "fk_fact_projection_rows_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "fact_projections",
                columns: table => new
                {
                    dataset_id = table.Column<int>(type: "integer", nullable: false),
                    grain = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    dimensions = table.Column<int>(type: "integer", nullable: false),
                    row_count = table.Column<long>(type: "bigint", nullable: false)
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
