using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PublicLinkSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "public_snapshot_at",
                table: "dashboards",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "public_snapshot_json",
                table: "dashboards",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "public_snapshot_version",
                table: "dashboards",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "public_snapshot_at",
                table: "dashboards");

            migrationBuilder.DropColumn(
                name: "public_snapshot_json",
                table: "dashboards");

            migrationBuilder.DropColumn(
                name: "public_snapshot_version",
                table: "dashboards");
        }
    }
}
