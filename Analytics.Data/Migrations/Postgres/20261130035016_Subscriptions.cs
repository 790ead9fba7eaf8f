using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Subscriptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "dashboard_subscriptions",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    dashboard_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    owner_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    format = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    schedule = table.Column<string>(type: "text", nullable: false),
                    recipients = table.Column<string>(type: "text", nullable: false),
                    preset = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    filters = table.Column<string>(type: "text", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    next_run_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dashboard_subscriptions", x => x.id);
                    table.ForeignKey(
                        name: "fk_dashboard_subscriptions_dashboards_dashboard_id",
                        column: x => x.dashboard_id,
                        principalTable: "dashboards",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "subscription_runs",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    subscription_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    scheduled_for = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    slot = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    trigger = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    file_name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    content_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    file_size = table.Column<long>(type: "bigint", nullable: true),
                    file_content = table.Column<byte[]>(type: "bytea", nullable: true),
                    file_note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    recipient_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subscription_runs", x => x.id);
                    table.ForeignKey(
                        name: "fk_subscription_runs_dashboard_subscriptions_subscription_id",
                        column: x => x.subscription_id,
                        principalTable: "dashboard_subscriptions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_dashboard_subscriptions_dashboard_id",
                table: "dashboard_subscriptions",
                column: "dashboard_id");

            migrationBuilder.CreateIndex(
                name: "ix_dashboard_subscriptions_enabled_next_run_at",
                table: "dashboard_subscriptions",
                columns: new[] { "enabled", "next_run_at" });

            migrationBuilder.CreateIndex(
                name: "ix_dashboard_subscriptions_owner_id",
                table: "dashboard_subscriptions",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_subscription_runs_outcome",
                table: "subscription_runs",
                column: "outcome");

            migrationBuilder.CreateIndex(
                name: "ix_subscription_runs_subscription_id_slot",
                table: "subscription_runs",
                columns: new[] { "subscription_id", "slot" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_subscription_runs_subscription_id_started_at",
                table: "subscription_runs",
                columns: new[] { "subscription_id", "started_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "subscription_runs");

            migrationBuilder.DropTable(
                name: "dashboard_subscriptions");
        }
    }
}
