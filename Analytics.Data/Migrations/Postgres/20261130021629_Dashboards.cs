using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Dashboards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_widgets",
                table: "widgets");

            migrationBuilder.DropIndex(
                name: "ix_widgets_dashboard_id",
                table: "widgets");

            migrationBuilder.AddColumn<string>(
                name: "folder_id",
                table: "dashboards",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "public_token",
                table: "dashboards",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "settings_json",
                table: "dashboards",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "updated_by",
                table: "dashboards",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "version",
                table: "dashboards",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "pk_widgets",
                table: "widgets",
                columns: new[] { "dashboard_id", "id" });

            migrationBuilder.CreateTable(
                name: "dashboard_comments",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    dashboard_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    widget_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    author_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dashboard_comments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dashboard_favorites",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    dashboard_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dashboard_favorites", x => new { x.user_id, x.dashboard_id });
                });

            migrationBuilder.CreateTable(
                name: "dashboard_folders",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    owner_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dashboard_folders", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dashboard_shares",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    target_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    target_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    principal_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    principal_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    permission = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dashboard_shares", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "teams",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_teams", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "team_members",
                columns: table => new
                {
                    team_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_team_members", x => new { x.team_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_team_members_teams_team_id",
                        column: x => x.team_id,
                        principalTable: "teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_dashboards_folder_id",
                table: "dashboards",
                column: "folder_id");

            migrationBuilder.CreateIndex(
                name: "ix_dashboards_public_token",
                table: "dashboards",
                column: "public_token",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_dashboard_comments_dashboard_id_created_at",
                table: "dashboard_comments",
                columns: new[] { "dashboard_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_dashboard_shares_principal_kind_principal_id",
                table: "dashboard_shares",
                columns: new[] { "principal_kind", "principal_id" });

            migrationBuilder.CreateIndex(
                name: "ix_dashboard_shares_target_kind_target_id_principal_kind_princ~",
                table: "dashboard_shares",
                columns: new[] { "target_kind", "target_id", "principal_kind", "principal_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_team_members_user_id",
                table: "team_members",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_teams_name",
                table: "teams",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dashboard_comments");

            migrationBuilder.DropTable(
                name: "dashboard_favorites");

            migrationBuilder.DropTable(
                name: "dashboard_folders");

            migrationBuilder.DropTable(
                name: "dashboard_shares");

            migrationBuilder.DropTable(
                name: "team_members");

            migrationBuilder.DropTable(
                name: "teams");

            migrationBuilder.DropPrimaryKey(
                name: "pk_widgets",
                table: "widgets");

            migrationBuilder.DropIndex(
                name: "ix_dashboards_folder_id",
                table: "dashboards");

            migrationBuilder.DropIndex(
                name: "ix_dashboards_public_token",
                table: "dashboards");

            migrationBuilder.DropColumn(
                name: "folder_id",
                table: "dashboards");

            migrationBuilder.DropColumn(
                name: "public_token",
                table: "dashboards");

            migrationBuilder.DropColumn(
                name: "settings_json",
                table: "dashboards");

            migrationBuilder.DropColumn(
                name: "updated_by",
                table: "dashboards");

            migrationBuilder.DropColumn(
                name: "version",
                table: "dashboards");

            migrationBuilder.AddPrimaryKey(
                name: "pk_widgets",
                table: "widgets",
                column: "id");

            migrationBuilder.CreateIndex(
                name: "ix_widgets_dashboard_id",
                table: "widgets",
                column: "dashboard_id");
        }
    }
}
