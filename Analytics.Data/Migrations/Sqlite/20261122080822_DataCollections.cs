using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DataCollections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "collection_id",
                table: "executions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "final_failure",
                table: "executions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "trigger",
                table: "executions",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "data_collections",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    report_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    start = table.Column<long>(type: "INTEGER", nullable: false),
                    end = table.Column<long>(type: "INTEGER", nullable: false),
                    granularity = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    max_concurrency = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: true),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true),
                    heartbeat_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_collections", x => x.id);
                    table.ForeignKey(
                        name: "fk_data_collections_reports_report_id",
                        column: x => x.report_id,
                        principalTable: "reports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "collection_segments",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    collection_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    index = table.Column<int>(type: "INTEGER", nullable: false),
                    start = table.Column<long>(type: "INTEGER", nullable: false),
                    end = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    row_count = table.Column<long>(type: "INTEGER", nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    execution_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: true),
                    started_at = table.Column<long>(type: "INTEGER", nullable: true),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_collection_segments", x => x.id);
                    table.ForeignKey(
                        name: "fk_collection_segments_data_collections_collection_id",
                        column: x => x.collection_id,
                        principalTable: "data_collections",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_collection_segments_collection_id_index",
                table: "collection_segments",
                columns: new[] { "collection_id", "index" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_data_collections_report_id",
                table: "data_collections",
                column: "report_id");

            migrationBuilder.CreateIndex(
                name: "ix_data_collections_source_id",
                table: "data_collections",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_data_collections_status",
                table: "data_collections",
                column: "status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "collection_segments");

            migrationBuilder.DropTable(
                name: "data_collections");

            migrationBuilder.DropColumn(
                name: "collection_id",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "final_failure",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "trigger",
                table: "executions");
        }
    }
}
