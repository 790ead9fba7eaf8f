using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Insights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "insights",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    dataset = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    segment_dimension = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    segment = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    metric = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    period_start = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    period_end = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    magnitude = table.Column<double>(type: "REAL", nullable: false),
                    confidence = table.Column<double>(type: "REAL", nullable: false),
                    priority = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    text = table.Column<string>(type: "TEXT", nullable: false),
                    chart_query = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_insights", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "insight_user_states",
                columns: table => new
                {
                    insight_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    read_at = table.Column<long>(type: "INTEGER", nullable: true),
                    dismissed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    pinned_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_insight_user_states", x => new { x.insight_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_insight_user_states_insights_insight_id",
                        column: x => x.insight_id,
                        principalTable: "insights",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_insight_user_states_user_id",
                table: "insight_user_states",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_insights_key",
                table: "insights",
                column: "key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_insights_source_id_created_at",
                table: "insights",
                columns: new[] { "source_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "insight_user_states");

            migrationBuilder.DropTable(
                name: "insights");
        }
    }
}
