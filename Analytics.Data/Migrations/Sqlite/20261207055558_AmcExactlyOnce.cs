using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AmcExactlyOnce : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "heartbeat_at",
                table: "executions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "next_attempt_at",
                table: "executions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "remote_candidates_json",
                table: "executions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "remote_execution_id",
                table: "executions",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "runner_id",
                table: "executions",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "submitting_since",
                table: "executions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "runner_id",
                table: "data_collections",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "instance_gates",
                columns: table => new
                {
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    tokens = table.Column<double>(type: "REAL", nullable: false),
                    refilled_at = table.Column<long>(type: "INTEGER", nullable: false),
                    blocked_until = table.Column<long>(type: "INTEGER", nullable: true),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_instance_gates", x => x.source_id);
                    table.ForeignKey(
                        name: "fk_instance_gates_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "instance_slots",
                columns: table => new
                {
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    slot = table.Column<int>(type: "INTEGER", nullable: false),
                    execution_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    acquired_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_instance_slots", x => new { x.source_id, x.slot });
                    table.ForeignKey(
                        name: "fk_instance_slots_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "remote_execution_claims",
                columns: table => new
                {
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    remote_execution_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    execution_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    claimed_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_remote_execution_claims", x => new { x.source_id, x.remote_execution_id });
                    table.ForeignKey(
                        name: "fk_remote_execution_claims_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_instance_slots_execution_id",
                table: "instance_slots",
                column: "execution_id");

            migrationBuilder.CreateIndex(
                name: "ix_remote_execution_claims_execution_id",
                table: "remote_execution_claims",
                column: "execution_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "instance_gates");

            migrationBuilder.DropTable(
                name: "instance_slots");

            migrationBuilder.DropTable(
                name: "remote_execution_claims");

            migrationBuilder.DropColumn(
                name: "heartbeat_at",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "remote_candidates_json",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "remote_execution_id",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "runner_id",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "submitting_since",
                table: "executions");

            migrationBuilder.DropColumn(
                name: "runner_id",
                table: "data_collections");
        }
    }
}
