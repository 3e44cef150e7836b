import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import { CfnDataSource, CfnKnowledgeBase } from 'aws-cdk-lib/aws-bedrock';
import { CfnIndex, CfnVectorBucket } from 'aws-cdk-lib/aws-s3vectors';
import { Construct } from 'constructs';
import type { DeploySettings } from './settings.js';
import { TABLES, tableLogicalId, type TableDef } from './table-defs.js';

/** Knowledge documents are read by the Knowledge Base from this prefix; learning history lives beside them. */
export const KNOWLEDGE_PREFIX = 'knowledge/';
export const HISTORY_PREFIX = 'learning-history/';

/**
 * Storage: the DynamoDB tables of the DynamoDB backend (on-demand, point-in-time recovery, TTL,
 * encryption at rest), an S3 bucket for knowledge documents and learning history (versioned,
 * encrypted, TLS only, lifecycle), and the Bedrock Knowledge Base over it (L1: no L2 exists).
 */
export class LoreData extends Construct {
  /** By the backend's table key (`runs`, `sessions`, …). */
  readonly tables: Record<string, Table> = {};
  /** Tables are named `${tablePrefix}${key}`, the names the DynamoDB backend derives. */
  readonly tablePrefix: string;
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  /** The Knowledge Base id (created or existing) and its ARN. */
  readonly knowledgeBaseId: string;
  readonly knowledgeBaseArn: string;
  readonly knowledgeBase?: CfnKnowledgeBase;
  readonly dataSource?: CfnDataSource;

  constructor(scope: Construct, id: string, s: DeploySettings) {
    super(scope, id);
    this.tablePrefix = `${Stack.of(this).stackName.toLowerCase()}-`;
    for (const def of TABLES) this.tables[def.key] = tableFrom(this, def, `${this.tablePrefix}${def.key}`);

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Documents', {
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'documents/',
      lifecycleRules: [
        // Replaced document versions are history, not knowledge: keep them 90 days.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Learning history is an audit trail, rarely read: cheaper storage after 30 days.
        { id: 'history-to-infrequent-access', prefix: HISTORY_PREFIX, transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }] },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const stack = Stack.of(this);
    if (s.knowledgeBase === 'create') {
      const kb = this.createKnowledgeBase(s);
      this.knowledgeBase = kb.kb;
      this.dataSource = kb.source;
      this.knowledgeBaseId = kb.kb.attrKnowledgeBaseId;
      this.knowledgeBaseArn = kb.kb.attrKnowledgeBaseArn;
    } else {
      this.knowledgeBaseId = s.knowledgeBase;
      this.knowledgeBaseArn = stack.formatArn({ service: 'bedrock', resource: 'knowledge-base', resourceName: s.knowledgeBase });
    }
  }

  /** S3 Vectors as the vector store: no cluster to run, billed per use. */
  private createKnowledgeBase(s: DeploySettings) {
    const stack = Stack.of(this);
    const vectors = new CfnVectorBucket(this, 'Vectors', {});
    const index = new CfnIndex(this, 'VectorIndex', {
      vectorBucketArn: vectors.attrVectorBucketArn,
      dataType: 'float32',
      dimension: 1024,
      distanceMetric: 'cosine',
      // Bedrock keeps the chunk text in metadata; it must not count against the filterable budget.
      metadataConfiguration: { nonFilterableMetadataKeys: ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA'] },
    });
    const embeddingModelArn = stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: s.embeddingModelId });
    const role = new Role(this, 'KnowledgeBaseRole', { assumedBy: new ServicePrincipal('bedrock.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }) });
    role.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['bedrock:InvokeModel'], resources: [embeddingModelArn] }));
    role.addToPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${KNOWLEDGE_PREFIX}*`] } } }));
    role.addToPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${KNOWLEDGE_PREFIX}*`)] }));
    role.addToPolicy(new PolicyStatement({ actions: ['s3vectors:PutVectors', 's3vectors:GetVectors', 's3vectors:DeleteVectors', 's3vectors:QueryVectors', 's3vectors:GetIndex'], resources: [index.attrIndexArn] }));
    const kb = new CfnKnowledgeBase(this, 'KnowledgeBase', {
      name: `${stack.stackName}-knowledge`,
      roleArn: role.roleArn,
      knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn } },
      storageConfiguration: { type: 'S3_VECTORS', s3VectorsConfiguration: { indexArn: index.attrIndexArn } },
    });
    kb.node.addDependency(role);
    const source = new CfnDataSource(this, 'DocumentsSource', {
      knowledgeBaseId: kb.attrKnowledgeBaseId,
      name: 'documents',
      dataDeletionPolicy: 'DELETE',
      dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: this.bucket.bucketArn, inclusionPrefixes: [KNOWLEDGE_PREFIX] } },
      vectorIngestionConfiguration: { chunkingConfiguration: { chunkingStrategy: 'FIXED_SIZE', fixedSizeChunkingConfiguration: { maxTokens: 512, overlapPercentage: 20 } } },
    });
    return { kb, source, role };
  }
}

function tableFrom(scope: Construct, def: TableDef, tableName: string): Table {
  const attr = (k: { name: string; type: 'S' | 'N' }) => ({ name: k.name, type: k.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER });
  const table = new Table(scope, tableLogicalId(def.key), {
    tableName,
    partitionKey: attr(def.partitionKey),
    ...(def.sortKey ? { sortKey: attr(def.sortKey) } : {}),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const g of def.globalSecondaryIndexes) table.addGlobalSecondaryIndex({ indexName: g.indexName, partitionKey: attr(g.partitionKey), ...(g.sortKey ? { sortKey: attr(g.sortKey) } : {}) });
  return table;
}
