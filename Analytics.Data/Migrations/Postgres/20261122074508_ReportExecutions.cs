using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReportExecutions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "description",
                table: "templates",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source_kinds_json",
                table: "templates",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_run_at",
                table: "reports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_run_at",
                table: "reports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "schedule_json",
                table: "reports",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "checksum",
                table: "executions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "conflict_count",
                table: "executions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "conflicts_json",
                table: "executions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "merge_ms",
                table: "executions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "message",
                table: "executions",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "preview_json",
                table: "executions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "problems_json",
                table: "executions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "source_ms",
                table: "executions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "suppressed_rows",
                table: "executions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "unchanged",
                table: "executions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "ix_templates_name",
                table: "templates",
                column: "name");

            migrationBuilder.CreateIndex(
                name: "ix_executions_requested_by_status",
                table: "executions",
                columns: new[] { "requested_by", "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_templates_name",
                table: "templates");

            migrationBuilder.DropIndex(
                name: "ix_executions_requested_by_status",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "description",
                table: "templates");

            migrationBuilder.DropColumn(
                name: "source_kinds_json",
                table: "templates");

            migrationBuilder.DropColumn(
                name: "last_run_at",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "next_run_at",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "schedule_json",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "checksum",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "conflict_count",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "conflicts_json",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "merge_ms",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "message",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "preview_json",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "problems_json",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "source_ms",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "suppressed_rows",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "unchanged",
                table: "executions");
        }
    }
}
