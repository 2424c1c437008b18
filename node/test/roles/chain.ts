/** A localnet with the contract deployed and bonded workers, for the role unit tests. */
import { startLocalnet, type Localnet } from '../../../localnet/index.js'
import { deployOutlayer, type DeployConfig } from '../../../scripts/deploy.js'
import { parseSecretKey, type KeyPair } from '../../../protocol/index.js'
import { createBlockFeed, createOutlayerClient, findRequestId, type OutlayerClient } from '../../chain/index.js'
import { generateNearKey } from '../../keys.js'

export interface TestWorker { accountId: string, client: OutlayerClient, key: KeyPair }

export interface TestChain {
  net: Localnet
  contractId: string
  user: OutlayerClient
  networkId: string
  workers: TestWorker[]
  /** request_execution as the user; resolves with the request id */
  request: (args: { source: unknown, replicas?: number, quorum?: number, input?: string }) => Promise<string>
  stop: () => Promise<void>
}

export async function startChain ({ workers = 2, commitWindowBlocks = 10 }: { workers?: number, commitWindowBlocks?: number } = {}): Promise<TestChain> {
  const net = await startLocalnet({ port: 0, blockTimeMs: 100, accounts: workers + 1 })
  try {
    const { contractId } = await deployOutlayer({
      rpcUrl: net.rpcUrl, networkId: net.networkId, masterAccountId: net.root.accountId, masterSecretKey: net.root.secretKey,
      config: { commit_window_blocks: commitWindowBlocks } as DeployConfig
    })
    const clientFor = (a: { accountId: string, secretKey: string }): OutlayerClient => createOutlayerClient({
      rpcUrl: net.rpcUrl, contractId, accountId: a.accountId, secretKey: a.secretKey
    })
    const user = clientFor(net.accounts[0]!)
    const minBond = (await user.getConfig()).minBond
    const registered = await Promise.all(net.accounts.slice(1, workers + 1).map(async a => {
      const signing = generateNearKey()
      const client = clientFor(a)
      await client.registerWorker(signing.publicKey, minBond > 0n ? minBond : 10n ** 24n)
      return { accountId: a.accountId, client, key: parseSecretKey(signing.secretKey) }
    }))
    const request: TestChain['request'] = async ({ source, replicas = 1, quorum = 1, input = '{}' }) => {
      const limits = { max_instructions: 1_000_000_000, max_memory_mb: 64, max_execution_seconds: 10 }
      const args = { source, resource_limits: limits, input_data: input, response_format: 'Text', redundancy: { replicas, quorum, aggregation: 'identical' } }
      const fromHeight = net.height()
      const { txHash } = await user.requestExecution(args, await user.estimateDeposit(args))
      return await findRequestId({ feed: createBlockFeed(net.feedUrl), contractId, txHash, fromHeight })
    }
    return { net, contractId, user, networkId: (await user.getConfig()).networkId, workers: registered, request, stop: async () => await net.stop() }
  } catch (err) {
    await net.stop()
    throw err
  }
}
