using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Sqlite
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
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    dashboard_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    format = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    schedule = table.Column<string>(type: "TEXT", nullable: false),
                    recipients = table.Column<string>(type: "TEXT", nullable: false),
                    preset = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    filters = table.Column<string>(type: "TEXT", nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    next_run_at = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
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
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    subscription_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    scheduled_for = table.Column<long>(type: "INTEGER", nullable: false),
                    slot = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    trigger = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    requested_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    started_at = table.Column<long>(type: "INTEGER", nullable: false),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    file_name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    content_type = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    file_size = table.Column<long>(type: "INTEGER", nullable: true),
                    file_content = table.Column<byte[]>(type: "BLOB", nullable: true),
                    file_note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    recipient_count = table.Column<int>(type: "INTEGER", nullable: false)
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
