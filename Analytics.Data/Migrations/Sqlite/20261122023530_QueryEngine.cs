using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QueryEngine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TimeZone",
                table: "AspNetUsers",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "fact_rollups",
                columns: table => new
                {
                    dataset_id = table.Column<int>(type: "INTEGER", nullable: false),
                    grain = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    ts = table.Column<long>(type: "INTEGER", nullable: false),
                    dim_hash = table.Column<long>(type: "INTEGER", nullable: false),
                    d1 = table.Column<string>(type: "TEXT", nullable: true),
                    d2 = table.Column<string>(type: "TEXT", nullable: true),
                    d3 = table.Column<string>(type: "TEXT", nullable: true),
                    d4 = table.Column<string>(type: "TEXT", nullable: true),
                    d5 = table.Column<string>(type: "TEXT", nullable: true),
                    d6 = table.Column<string>(type: "TEXT", nullable: true),
                    m1 = table.Column<double>(type: "REAL", nullable: true),
                    m2 = table.Column<double>(type: "REAL", nullable: true),
                    m3 = table.Column<double>(type: "REAL", nullable: true),
                    m4 = table.Column<double>(type: "REAL", nullable: true),
                    m5 = table.Column<double>(type: "REAL", nullable: true),
                    m6 = table.Column<double>(type: "REAL", nullable: true),
                    m7 = table.Column<double>(type: "REAL", nullable: true),
                    m8 = table.Column<double>(type: "REAL", nullable: true),
                    m9 = table.Column<double>(type: "REAL", nullable: true),
                    m10 = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fact_rollups", x => new { x.dataset_id, x.grain, x.ts, x.dim_hash });
                    table.ForeignKey(
                        name: "fk_fact_rollups_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "fact_rollups");

            migrationBuilder.DropColumn(
                name: "TimeZone",
                table: "AspNetUsers");
        }
    }
}
