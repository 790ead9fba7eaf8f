using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PublicLinkSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "public_snapshot_at",
                table: "dashboards",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "public_snapshot_json",
                table: "dashboards",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "public_snapshot_version",
                table: "dashboards",
                type: "INTEGER",
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
