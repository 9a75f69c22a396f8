import { allColumns, type TableDef } from './table-def.ts';
import { TABLES } from './tables.ts';

const LAYER_TITLES: Record<TableDef['layer'], string> = {
  mart: 'Marts: what managers, the dashboard and analysts read',
  curated: 'Curated inputs',
  quality: 'Data quality',
  state: 'Incremental state (internal, queryable)',
  staging: 'Staging (internal, not queryable)',
};

const LAYER_ORDER: readonly TableDef['layer'][] = ['mart', 'curated', 'quality', 'state', 'staging'];

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function tableSection(table: TableDef): string {
  const columns = allColumns(table);
  const lines = [
    `### \`${table.name}\``,
    '',
    table.description,
    '',
    `- **Grain:** ${table.grain}.`,
    `- **Key:** ${table.key.map((k) => `\`${k}\``).join(', ')} (unique, not null).`,
    ...(table.isView === true
      ? [
          `- **Stored as:** a view that each run defines (\`queries/marts/${table.name}.sql\`); no files of its own.`,
        ]
      : [
          `- **Partitioned by:** ${table.partition === undefined ? 'nothing (one file)' : `\`${table.partition.name}\``}.`,
          `- **Location:** \`<lake>/${table.location}/\` (${table.format}).`,
        ]),
    '',
    '| column | type | meaning |',
    '|---|---|---|',
    ...columns.map((c) => `| \`${c.name}\` | ${c.type} | ${escapeCell(c.description)} |`),
  ];
  if (table.example !== undefined) {
    lines.push('', `**Example — ${table.example.question}**`, '', '```sql', table.example.sql, '```');
  }
  return lines.join('\n');
}

/** The table reference (docs/tables.md), generated from the registry so it cannot drift from the code. */
export function renderTableDocs(): string {
  const tables = Object.values(TABLES);
  const sections = LAYER_ORDER.flatMap((layer) => {
    const inLayer = tables.filter((table) => table.layer === layer);
    return inLayer.length === 0 ? [] : [`## ${LAYER_TITLES[layer]}`, ...inLayer.map(tableSection)];
  });
  return [
    '# growthlake tables',
    '',
    '<!-- Generated from lambdas/contract/tables*.ts by `npm run docs`; a test fails when it is stale. -->',
    '',
    'Every table below has the same name, columns and meaning in `growthlake query` (DuckDB over the local',
    'lake) and in Athena (the Glue database the CDK app creates from the same registry). Money is USD;',
    'rates are fractions, not percents; dates are UTC. `R` is the run date.',
    '',
    ...sections.flatMap((section) => [section, '']),
  ].join('\n');
}
