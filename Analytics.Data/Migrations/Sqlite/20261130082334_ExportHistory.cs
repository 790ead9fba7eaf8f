using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ExportHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "export_records",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    dashboard_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    dashboard_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    widget_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    widget_title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    format = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    trigger = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    subscription_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    subscription_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    subscription_run_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    redownload_of = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    parameters = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    duration_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    file_name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    content_type = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    size_bytes = table.Column<long>(type: "INTEGER", nullable: true),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_export_records", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_export_records_created_at",
                table: "export_records",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_export_records_subscription_run_id",
                table: "export_records",
                column: "subscription_run_id");

            migrationBuilder.CreateIndex(
                name: "ix_export_records_user_id_id",
                table: "export_records",
                columns: new[] { "user_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "export_records");
        }
    }
}
