using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Postgres
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
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    dashboard_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    dashboard_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    widget_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    widget_title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    format = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    trigger = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    subscription_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    subscription_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    subscription_run_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    redownload_of = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    parameters = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    duration_ms = table.Column<long>(type: "bigint", nullable: false),
                    file_name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    content_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    size_bytes = table.Column<long>(type: "bigint", nullable: true),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
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
