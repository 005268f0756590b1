import { Module } from '@nestjs/common';
import { FeedConsumers } from './feed-consumers.service';
import { FeedListener } from './feed-listener.service';
import { FeedPublisher } from './feed-publisher.service';
import { FeedReader } from './feed-reader.service';
import { FeedRetention } from './feed-retention.service';

// The change feed (docs/change-feed.md): writers record changes in their transactions with
// feed-recorder and announce them with FeedPublisher; live listeners use FeedListener, durable
// consumers register with FeedConsumers, catch-up reads go through FeedReader.
@Module({
  providers: [FeedListener, FeedPublisher, FeedConsumers, FeedReader, FeedRetention],
  exports: [FeedListener, FeedPublisher, FeedConsumers, FeedReader, FeedRetention],
})
export class FeedModule {}
