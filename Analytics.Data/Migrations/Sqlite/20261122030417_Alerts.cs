using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Alerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_rules",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    metric = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    aggregation = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    filters = table.Column<string>(type: "TEXT", nullable: false),
                    source_ids = table.Column<string>(type: "TEXT", nullable: false),
                    op = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    threshold = table.Column<double>(type: "REAL", nullable: false),
                    window = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    hysteresis = table.Column<double>(type: "REAL", nullable: false),
                    pending_evaluations = table.Column<int>(type: "INTEGER", nullable: false),
                    channels = table.Column<string>(type: "TEXT", nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    breach_count = table.Column<int>(type: "INTEGER", nullable: false),
                    last_value = table.Column<double>(type: "REAL", nullable: true),
                    last_evaluated_at = table.Column<long>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alert_rules", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "notifications",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    body = table.Column<string>(type: "TEXT", nullable: false),
                    link = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    category = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    read_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notifications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alert_events",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    rule_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    rule_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    value = table.Column<double>(type: "REAL", nullable: true),
                    threshold = table.Column<double>(type: "REAL", nullable: false),
                    message = table.Column<string>(type: "TEXT", nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    delivery = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alert_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_alert_events_alert_rules_rule_id",
                        column: x => x.rule_id,
                        principalTable: "alert_rules",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_alert_events_owner_id_at",
                table: "alert_events",
                columns: new[] { "owner_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_alert_events_rule_id_at",
                table: "alert_events",
                columns: new[] { "rule_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_alert_rules_owner_id",
                table: "alert_rules",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_user_id_read_at_created_at",
                table: "notifications",
                columns: new[] { "user_id", "read_at", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_events");

            migrationBuilder.DropTable(
                name: "notifications");

            migrationBuilder.DropTable(
                name: "alert_rules");
        }
    }
}
