using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AmcExactlyOnce : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "heartbeat_at",
                table: "executions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_attempt_at",
                table: "executions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "remote_candidates_json",
                table: "executions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "remote_execution_id",
                table: "executions",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "runner_id",
                table: "executions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "submitting_since",
                table: "executions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "runner_id",
                table: "data_collections",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "instance_gates",
                columns: table => new
                {
                    source_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    tokens = table.Column<double>(type: "double precision", nullable: false),
                    refilled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    blocked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false)
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
                    source_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    slot = table.Column<int>(type: "integer", nullable: false),
                    execution_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    acquired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
                    source_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    remote_execution_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    execution_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
